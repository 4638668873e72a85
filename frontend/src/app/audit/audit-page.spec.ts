import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting, type TestRequest } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import type { AuditEntryDto, AuditPageDto } from '@storyflow/contracts/audit';
import { AuditPage } from './audit-page';

const id = (n: number) => n.toString(16).padStart(24, '0');

function entry(n: number, over: Partial<AuditEntryDto> = {}): AuditEntryDto {
  return {
    id: id(n),
    at: '2026-03-04T12:30:15.000Z',
    action: 'delete',
    role: 'operator',
    token: true,
    client: '10.0.0.9',
    instance: 'local',
    target: { ids: [id(100 + n)], count: 1 },
    status: 200,
    ...over,
  };
}

const page = (items: AuditEntryDto[], next: string | null = null): AuditPageDto => ({ items, next });

describe('AuditPage', () => {
  let http: HttpTestingController;
  let harness: RouterTestingHarness;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideRouter([{ path: 'audit', component: AuditPage }]), provideHttpClient(), provideHttpClientTesting()],
    });
    http = TestBed.inject(HttpTestingController);
  });

  const requests = (): TestRequest[] => http.match((r) => r.method === 'GET' && r.url === '/api/audit');
  const params = (req: TestRequest) => Object.fromEntries(req.request.params.keys().map((k) => [k, req.request.params.get(k)]));
  const el = () => harness.routeNativeElement!;
  const $ = <T extends HTMLElement = HTMLElement>(testId: string) => el().querySelector<T>(`[data-testid="${testId}"]`);
  const $$ = (testId: string) => Array.from(el().querySelectorAll<HTMLElement>(`[data-testid="${testId}"]`));
  const text = (testId: string) => $(testId)?.textContent?.replace(/\s+/g, ' ').trim() ?? null;
  const settle = async () => {
    await harness.fixture.whenStable();
    await new Promise((r) => setTimeout(r));
    await harness.fixture.whenStable();
  };

  async function open(url = '/audit') {
    harness = await RouterTestingHarness.create();
    await harness.navigateByUrl(url, AuditPage);
  }

  async function answer(body: object) {
    const [req] = requests();
    req.flush(body);
    await settle();
    return req;
  }

  it('loads the newest entries and shows them in words, the story ids as links', async () => {
    await open();
    expect(text('audit-empty')).toBe('Loading…');
    const req = await answer(
      page([entry(2, { action: 'deleteDone', target: { filter: { status: 'Done' }, count: 3 }, token: false }), entry(1, { status: 404 })]),
    );
    expect(params(req)).toEqual({ limit: '20' });
    const rows = $$('audit-row');
    expect(rows.map((r) => r.querySelector('[data-testid="audit-action-words"]')?.textContent)).toEqual([
      'Deleted all Done stories',
      'Deleted a story',
    ]);
    expect(rows[0].textContent).toContain('where status is Done · 3 stories');
    expect(rows[0].textContent).toContain('Open server (no token)');
    expect(rows[1].querySelector('a')?.getAttribute('href')).toBe(`/stories/${id(101)}`);
    expect(rows[1].textContent).toContain('from 10.0.0.9');
    expect($$('audit-outcome').map((o) => o.textContent)).toEqual(['OK', '404 not found']);
    // Local time, with the date.
    expect(rows[0].querySelector('time')?.textContent).toMatch(/^\d{1,2} Mar 2026, \d\d:\d\d:15$/);
  });

  it('says when nothing is recorded yet', async () => {
    await open();
    await answer(page([]));
    expect(text('audit-empty')).toBe('No operator action recorded yet.');
    expect($('audit-older')!.getAttribute('aria-disabled')).toBe('true');
  });

  it('tells a viewer the log is for operators (403), not a broken page', async () => {
    await open();
    requests()[0].flush(
      { error: { code: 'forbidden', message: 'Operator role required', details: [] } },
      { status: 403, statusText: 'Forbidden' },
    );
    await settle();
    expect(text('audit-refused')).toBe('The audit log is for operators: this dashboard has no operator token.');
    expect(text('audit-empty')).toBe('Not loaded: see above.');
  });

  it('shows another failure with a way to try again, and a malformed answer as a failure', async () => {
    await open();
    requests()[0].flush({ error: { code: 'internal', message: 'boom', details: [] } }, { status: 500, statusText: 'Server Error' });
    await settle();
    expect(text('audit-state')).toContain('Could not load the audit log: boom');
    el().querySelector<HTMLButtonElement>('[data-testid="audit-state"] button')!.click();
    await settle();
    await answer({ items: [{ id: 'x' }], next: null });
    expect(text('audit-state')).toContain('Could not load the audit log');
    expect($$('audit-row')).toHaveLength(0);
  });

  it('filters by action through the URL, from the first page', async () => {
    await open(`/audit?before=${id(50)}`);
    await answer(page([entry(1)]));
    const select = $<HTMLSelectElement>('audit-action')!;
    select.value = 'pause';
    select.dispatchEvent(new Event('change'));
    await settle();
    expect(TestBed.inject(Router).url).toBe('/audit?action=pause');
    const req = await answer(page([]));
    expect(params(req)).toEqual({ limit: '20', action: 'pause' });
    expect(text('audit-empty')).toBe('No “Paused processing” recorded yet.');
    expect($<HTMLSelectElement>('audit-action')!.value).toBe('pause');
  });

  it('pages to older entries with the cursor, and back to the newest', async () => {
    await open('/audit?action=delete');
    await answer(page([entry(3), entry(2)], id(2)));
    expect($('audit-newest')!.getAttribute('aria-disabled')).toBe('true');
    $('audit-older')!.click();
    await settle();
    expect(TestBed.inject(Router).url).toBe(`/audit?action=delete&before=${id(2)}`);
    // The rows stay while the older page loads: nothing moves under the pointer.
    expect($$('audit-row')).toHaveLength(2);
    const older = await answer(page([entry(1)]));
    expect(params(older)).toEqual({ limit: '20', action: 'delete', before: id(2) });
    expect($$('audit-row')).toHaveLength(1);
    expect($('audit-older')!.getAttribute('aria-disabled')).toBe('true');
    $('audit-older')!.click();
    await settle();
    expect(requests()).toHaveLength(0);
    $('audit-newest')!.click();
    await settle();
    expect(TestBed.inject(Router).url).toBe('/audit?action=delete');
    expect(params(await answer(page([entry(3)])))).toEqual({ limit: '20', action: 'delete' });
  });
});
