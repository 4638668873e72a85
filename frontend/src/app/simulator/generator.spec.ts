import { jest } from '@jest/globals';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { DEFAULT_STORY_LIMITS } from '@storyflow/contracts';
import { ServerLimits } from '../core/limits';
import { GENERATOR_RANDOM, Generator, MAX_IN_FLIGHT } from './generator';
import { GeneratorPanel } from './generator-panel';

describe('Generator', () => {
  let http: HttpTestingController;
  let generator: Generator;

  beforeEach(() => {
    jest.useFakeTimers();
    TestBed.configureTestingModule({
      providers: [provideHttpClient(), provideHttpClientTesting(), { provide: GENERATOR_RANDOM, useValue: () => 0 }],
    });
    http = TestBed.inject(HttpTestingController);
    generator = TestBed.inject(Generator);
  });

  afterEach(() => {
    generator.stop();
    jest.useRealTimers();
  });

  it('posts a story at once and then after every drawn pause', () => {
    generator.start();
    expect(generator.running()).toBe(true);
    let reqs = http.match('/api/stories');
    expect(reqs).toHaveLength(1);
    // random() = 0 → 20 tasks of 10 ms, next pause 50 ms.
    expect(reqs[0]!.request.body).toEqual({ tasks: Array.from({ length: 20 }, () => ({ estimate: 10 })) });
    expect(generator.inFlight()).toBe(1);

    jest.advanceTimersByTime(49);
    expect(http.match('/api/stories')).toHaveLength(0);
    jest.advanceTimersByTime(1);
    reqs = [...reqs, ...http.match('/api/stories')];
    expect(reqs).toHaveLength(2);
    expect(generator.inFlight()).toBe(2);

    reqs[0]!.flush({}, { status: 201, statusText: 'Created' });
    reqs[1]!.flush({ error: { code: 'unavailable', message: 'shutting down', details: [] } }, { status: 503, statusText: 'Unavailable' });
    expect(generator.sent()).toBe(1);
    expect(generator.failed()).toBe(1);
    expect(generator.inFlight()).toBe(0);
    expect(generator.lastError()).toBe('shutting down');
  });

  it('stops scheduling when stopped', () => {
    generator.start();
    http.match('/api/stories');
    generator.stop();
    jest.advanceTimersByTime(1000);
    http.expectNone('/api/stories');
    expect(generator.running()).toBe(false);
  });

  it('follows the adjustable rate and task ranges', () => {
    generator.settings.set({ intervalMs: { min: 200, max: 300 }, tasks: { min: 2, max: 4 }, estimateMs: { min: 5, max: 6 } });
    generator.start();
    expect(http.match('/api/stories')[0]!.request.body).toEqual({ tasks: [{ estimate: 5 }, { estimate: 5 }] });
    jest.advanceTimersByTime(199);
    http.expectNone('/api/stories');
    jest.advanceTimersByTime(1);
    expect(http.match('/api/stories')).toHaveLength(1);
  });

  it('counts the stories it skips while MAX_IN_FLIGHT requests are unanswered, and shows them', () => {
    const fixture = TestBed.createComponent(GeneratorPanel);
    const el = fixture.nativeElement as HTMLElement;
    fixture.detectChanges();
    expect(el.querySelector('[data-testid="generator-skipped"]')).toBeNull();

    generator.start();
    // random() = 0 → a pause of 50 ms after each story.
    jest.advanceTimersByTime(50 * (MAX_IN_FLIGHT - 1));
    const reqs = http.match('/api/stories');
    expect(reqs).toHaveLength(MAX_IN_FLIGHT);
    expect(generator.inFlight()).toBe(MAX_IN_FLIGHT);
    expect(generator.skipped()).toBe(0);

    jest.advanceTimersByTime(50 * 3);
    http.expectNone('/api/stories');
    expect(generator.skipped()).toBe(3);
    fixture.detectChanges();
    expect(el.querySelector('[data-testid="generator-skipped"]')?.textContent?.trim()).toBe('3');

    // One answer frees a slot: the next tick posts again.
    reqs[0]!.flush({}, { status: 201, statusText: 'Created' });
    jest.advanceTimersByTime(50);
    expect(http.match('/api/stories')).toHaveLength(1);
    expect(generator.skipped()).toBe(3);
  });

  it('takes the settings from the panel, and says what is wrong with them', () => {
    const fixture = TestBed.createComponent(GeneratorPanel);
    const el = fixture.nativeElement as HTMLElement;
    fixture.detectChanges();
    Array.from(el.querySelectorAll<HTMLButtonElement>('button'))
      .find((b) => b.textContent?.trim() === 'Settings')!
      .click();
    fixture.detectChanges();
    const input = (label: string) => el.querySelector<HTMLInputElement>(`input[aria-label="${label}"]`)!;
    const change = (label: string, value: string) => {
      input(label).value = value;
      input(label).dispatchEvent(new Event('change'));
      fixture.detectChanges();
    };

    change('Tasks per story, max', '30');
    expect(generator.settings().tasks).toEqual({ min: 20, max: 30 });
    change('Pause between stories (ms), min', '');
    expect(generator.settings().intervalMs.min).toBeNaN();
    expect(Array.from(el.querySelectorAll('[role="alert"]')).map((e) => e.textContent?.trim())).toEqual(['Interval: whole numbers only']);
    expect(el.querySelector<HTMLButtonElement>('[data-testid="generator-toggle"]')!.disabled).toBe(true);
  });

  it('refuses to start with invalid settings', () => {
    generator.settings.set({ intervalMs: { min: 100, max: 50 }, tasks: { min: 20, max: 80 }, estimateMs: { min: 10, max: 20 } });
    generator.start();
    expect(generator.running()).toBe(false);
    expect(generator.errors()).toEqual(['Interval: min must not exceed max']);
    http.expectNone('/api/stories');
  });

  it('stops, saying why, when the settings become invalid while it runs', () => {
    generator.start();
    expect(http.match('/api/stories')).toHaveLength(1);
    generator.settings.update((s) => ({ ...s, intervalMs: { min: Number.NaN, max: 100 } }));
    jest.advanceTimersByTime(100);
    expect(generator.running()).toBe(false);
    expect(generator.lastError()).toContain('Interval: whole numbers only');
    jest.advanceTimersByTime(1000);
    http.expectNone('/api/stories');
  });

  it('validates the settings against the limits the server answers', () => {
    // The defaults (20–80 tasks) fit the default limits…
    expect(generator.errors()).toEqual([]);
    TestBed.inject(ServerLimits).load();
    http.expectOne('/api/limits').flush({ ...DEFAULT_STORY_LIMITS, maxTasks: 50 });
    // …but not a server that accepts at most 50 tasks.
    expect(generator.errors()).toEqual(['Tasks: must be between 1 and 50']);
    generator.start();
    expect(generator.running()).toBe(false);
    http.expectNone('/api/stories');

    generator.settings.update((s) => ({ ...s, tasks: { min: 20, max: 50 } }));
    expect(generator.errors()).toEqual([]);
    generator.start();
    expect(http.match('/api/stories')).toHaveLength(1);
  });
});
