import { InteractivityChecker } from '@angular/cdk/a11y';
import { Dialog } from '@angular/cdk/dialog';
import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { Injectable } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { authInterceptor } from './auth-interceptor';
import { TokenPrompt } from './token-prompt';
import { TokenStore } from './token-store';

/** jsdom lays nothing out, so CDK would find no element visible, hence none focusable. */
@Injectable()
class LaidOutChecker extends InteractivityChecker {
  override isVisible(): boolean {
    return true;
  }
}

const settle = async () => {
  TestBed.tick();
  await new Promise((r) => setTimeout(r, 0));
  TestBed.tick();
};
const $ = <T extends HTMLElement>(selector: string) => document.querySelector<T>(selector);

describe('token dialog', () => {
  let http: HttpTestingController;

  beforeEach(() => {
    sessionStorage.clear();
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(withInterceptors([authInterceptor])),
        provideHttpClientTesting(),
        { provide: InteractivityChecker, useClass: LaidOutChecker },
      ],
    });
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => TestBed.inject(Dialog).closeAll());

  async function open(reason: 'required' | 'invalid' | 'operator' = 'required') {
    const result = TestBed.inject(TokenPrompt).open(reason);
    await settle();
    // The access check the store's service runs at start is not this test's business.
    http.match('/api/access').forEach((r) => r.flush({ role: 'operator', readsNeedToken: false, mutationsNeedToken: false }));
    return result;
  }

  it('is a labelled modal dialog with the focus in its labelled field', async () => {
    void open();
    await settle();
    const dialog = $('[role="dialog"]')!;
    expect(document.getElementById(dialog.getAttribute('aria-labelledby')!)?.textContent).toBe('Token required');
    const input = $<HTMLInputElement>('#access-token')!;
    expect(document.querySelector('label[for="access-token"]')?.textContent).toBe('Access token');
    expect(input.type).toBe('password');
    expect(document.activeElement).toBe(input);
  });

  it('says when a token was not accepted, keeps the focus in the field and stores nothing', async () => {
    void open();
    await settle();
    const input = $<HTMLInputElement>('#access-token')!;
    $<HTMLButtonElement>('[data-testid="token-submit"]')!.click();
    await settle();
    expect($('[data-testid="token-error"]')?.textContent?.trim()).toBe('Enter the token you were given.');

    input.value = 'wrong';
    input.dispatchEvent(new Event('input'));
    $<HTMLButtonElement>('[data-testid="token-submit"]')!.click();
    const attempt = http.expectOne('/api/access');
    expect(attempt.request.headers.get('Authorization')).toBe('Bearer wrong');
    attempt.flush(
      { error: { code: 'unauthorized', message: 'The token is not valid', details: [] } },
      { status: 401, statusText: 'Unauthorized' },
    );
    await settle();
    const error = $('[data-testid="token-error"]')!;
    expect(error.textContent?.trim()).toBe('This token is not valid.');
    expect(error.getAttribute('role')).toBe('alert');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(input.getAttribute('aria-describedby')).toContain('token-error');
    expect(document.activeElement).toBe(input);
    expect(TestBed.inject(TokenStore).token()).toBeNull();

    // Editing clears the message.
    input.value = 'wrong2';
    input.dispatchEvent(new Event('input'));
    await settle();
    expect($('[data-testid="token-error"]')).toBeNull();
  });

  it('keeps an accepted token and closes', async () => {
    const result = open('operator');
    await settle();
    expect($('#token-title')?.textContent).toBe('Operator token');
    const input = $<HTMLInputElement>('#access-token')!;
    input.value = '  op-token ';
    input.dispatchEvent(new Event('input'));
    $<HTMLButtonElement>('[data-testid="token-submit"]')!.click();
    http
      .expectOne((r) => r.headers.get('Authorization') === 'Bearer op-token')
      .flush({ role: 'operator', readsNeedToken: false, mutationsNeedToken: true });
    await expect(result).resolves.toBe(true);
    await settle();
    expect($('[role="dialog"]')).toBeNull();
    expect(TestBed.inject(TokenStore).token()).toBe('op-token');
  });

  it('closes on Escape without a token', async () => {
    const result = open();
    await settle();
    $('#access-token')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', keyCode: 27, bubbles: true }));
    await expect(result).resolves.toBe(false);
    await settle();
    expect($('[role="dialog"]')).toBeNull();
  });

  it('opens one dialog at a time', async () => {
    void open();
    void open('invalid');
    await settle();
    expect(document.querySelectorAll('[role="dialog"]')).toHaveLength(1);
  });
});
