import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { PaletteCommands } from '../core/commands';
import { EMPTY_STATS_VIEW, StatsStream } from '../realtime/stats-stream';
import { GENERATOR_RANDOM, GENERATOR_STORAGE, Generator } from './generator';
import { GeneratorPanel } from './generator-panel';
import { DEFAULT_GENERATOR_SETTINGS } from './generator-plan';

describe('GeneratorPanel', () => {
  let generator: Generator;
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: GENERATOR_RANDOM, useValue: () => 0 },
        { provide: GENERATOR_STORAGE, useValue: null },
        { provide: StatsStream, useValue: { view: signal({ ...EMPTY_STATS_VIEW, connection: 'live' }) } },
      ],
    });
    generator = TestBed.inject(Generator);
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => generator.stop());

  async function render() {
    const fixture = TestBed.createComponent(GeneratorPanel);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const settingsButton = () => Array.from(el.querySelectorAll('button')).find((b) => b.textContent?.trim() === 'Settings')!;
    const input = (label: string) => el.querySelector<HTMLInputElement>(`input[aria-label="${label}"]`)!;
    const type = async (label: string, value: string) => {
      input(label).value = value;
      input(label).dispatchEvent(new Event('input'));
      await fixture.whenStable();
    };
    const errors = () => Array.from(el.querySelectorAll('[data-testid="generator-setting-error"]')).map((e) => e.textContent?.trim());
    settingsButton().click();
    await fixture.whenStable();
    return { fixture, el, input, type, errors, settingsButton };
  }

  it('offers Start, then Stop, in the command palette while it is there; nothing while its settings are invalid', async () => {
    const { fixture, type } = await render();
    const commands = TestBed.inject(PaletteCommands).all;
    expect(commands().map((c) => c.label)).toEqual(['Start the generator']);
    commands()[0].run();
    http.match('/api/stories/batch');
    expect(generator.running()).toBe(true);
    expect(commands().map((c) => c.label)).toEqual(['Stop the generator']);
    commands()[0].run();
    expect(generator.running()).toBe(false);
    await type('Tasks per story, max', '');
    expect(commands()).toEqual([]);
    await type('Tasks per story, max', '30');
    expect(commands().map((c) => c.label)).toEqual(['Start the generator']);
    fixture.destroy();
    expect(commands()).toEqual([]);
  });

  it('applies each valid edit at once', async () => {
    const { type } = await render();
    await type('Tasks per story, max', '30');
    expect(generator.settings().tasks).toEqual({ min: 20, max: 30 });
  });

  it('keeps running with the last valid settings while a field is invalid, marking the field', async () => {
    const { el, input, type, errors } = await render();
    generator.start();
    http.match('/api/stories');
    await type('Pause between stories (ms), min', '');
    expect(generator.running()).toBe(true);
    expect(generator.settings()).toEqual(DEFAULT_GENERATOR_SETTINGS);
    expect(errors()).toEqual(['Pause between stories, min: enter a number']);
    const field = input('Pause between stories (ms), min');
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(el.querySelector(`#${field.getAttribute('aria-describedby')}`)?.textContent?.trim()).toBe(
      'Pause between stories, min: enter a number',
    );
    expect(input('Pause between stories (ms), max').getAttribute('aria-invalid')).toBe('false');
    expect(el.querySelector('[data-testid="generator-not-applied"]')).not.toBeNull();

    // Typing on makes it valid: applied, and the message goes.
    await type('Pause between stories (ms), min', '80');
    expect(generator.settings().intervalMs).toEqual({ min: 80, max: 100 });
    expect(errors()).toEqual([]);
    expect(field.getAttribute('aria-invalid')).toBe('false');
  });

  it('marks the max of a range whose min exceeds it', async () => {
    const { input, type, errors } = await render();
    await type('Task estimate (ms), min', '30');
    expect(errors()).toEqual(['Task estimate: max must be at least min (30)']);
    expect(input('Task estimate (ms), max').getAttribute('aria-invalid')).toBe('true');
    expect(input('Task estimate (ms), min').getAttribute('aria-invalid')).toBe('false');
  });

  it('cannot be started while the fields are invalid', async () => {
    const { el, type } = await render();
    await type('Tasks per story, min', '0');
    expect(el.querySelector<HTMLButtonElement>('[data-testid="generator-toggle"]')!.disabled).toBe(true);
  });

  it('closes the settings on Escape and gives the focus back to their button', async () => {
    const { el, input, settingsButton, fixture } = await render();
    expect(settingsButton().getAttribute('aria-expanded')).toBe('true');
    input('Tasks per story, min').dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    await fixture.whenStable();
    expect(el.querySelector('#generator-settings')).toBeNull();
    expect(settingsButton().getAttribute('aria-expanded')).toBe('false');
    expect(document.activeElement).toBe(settingsButton());
  });

  it('states the rate the pauses allow, and what the server accepted', async () => {
    const { el, type } = await render();
    expect(el.querySelector('[data-testid="generator-rate"]')?.textContent).toBe('pauses allow ≈ 13 stories/s');
    await type('Pause between stories (ms), min', '1');
    await type('Pause between stories (ms), max', '1');
    expect(el.querySelector('[data-testid="generator-rate"]')?.textContent).toBe('pauses allow ≈ 1000 stories/s');
    expect(el.querySelector('[data-testid="generator-state"]')?.textContent).toBe('stopped');
  });

  it('says why it is not sending while it holds', async () => {
    const { el, fixture } = await render();
    generator.start();
    http
      .match('/api/stories')[0]
      .flush(
        { error: { code: 'rate_limited', message: 'x', details: [] } },
        { status: 429, statusText: 'Too Many Requests', headers: { 'Retry-After': '7' } },
      );
    await fixture.whenStable();
    expect(el.querySelector('[data-testid="generator-state"]')?.textContent).toBe('waiting 7 s: the server asked to slow down');
    expect(el.querySelector('[data-testid="generator-error"]')?.textContent).toContain(
      'Too many requests: the server asks to try again in 7 s.',
    );
  });
});
