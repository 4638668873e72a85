import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { GENERATOR_RANDOM, Generator } from './generator';

describe('Generator', () => {
  let http: HttpTestingController;
  let generator: Generator;

  beforeEach(() => {
    vi.useFakeTimers();
    TestBed.configureTestingModule({
      providers: [provideHttpClient(), provideHttpClientTesting(), { provide: GENERATOR_RANDOM, useValue: () => 0 }],
    });
    http = TestBed.inject(HttpTestingController);
    generator = TestBed.inject(Generator);
  });

  afterEach(() => {
    generator.stop();
    vi.useRealTimers();
  });

  it('posts a story at once and then after every drawn pause', () => {
    generator.start();
    expect(generator.running()).toBe(true);
    let reqs = http.match('/api/stories');
    expect(reqs).toHaveLength(1);
    // random() = 0 → 20 tasks of 10 ms, next pause 50 ms.
    expect(reqs[0]!.request.body).toEqual({ tasks: Array.from({ length: 20 }, () => ({ estimate: 10 })) });
    expect(generator.inFlight()).toBe(1);

    vi.advanceTimersByTime(49);
    expect(http.match('/api/stories')).toHaveLength(0);
    vi.advanceTimersByTime(1);
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
    vi.advanceTimersByTime(1000);
    http.expectNone('/api/stories');
    expect(generator.running()).toBe(false);
  });

  it('follows the adjustable rate and task ranges', () => {
    generator.settings.set({ intervalMs: { min: 200, max: 300 }, tasks: { min: 2, max: 4 }, estimateMs: { min: 5, max: 6 } });
    generator.start();
    expect(http.match('/api/stories')[0]!.request.body).toEqual({ tasks: [{ estimate: 5 }, { estimate: 5 }] });
    vi.advanceTimersByTime(199);
    http.expectNone('/api/stories');
    vi.advanceTimersByTime(1);
    expect(http.match('/api/stories')).toHaveLength(1);
  });

  it('refuses to start with invalid settings', () => {
    generator.settings.set({ intervalMs: { min: 100, max: 50 }, tasks: { min: 20, max: 80 }, estimateMs: { min: 10, max: 20 } });
    generator.start();
    expect(generator.running()).toBe(false);
    expect(generator.errors()).toEqual(['Interval: min must not exceed max']);
    http.expectNone('/api/stories');
  });
});
