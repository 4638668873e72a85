import { jest } from '@jest/globals';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting, type TestRequest } from '@angular/common/http/testing';
import { signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { DEFAULT_STORY_LIMITS } from '@storyflow/contracts';
import { AccessService } from '../core/access/access';
import { ServerLimits } from '../core/limits';
import { EMPTY_STATS_VIEW, StatsStream } from '../realtime/stats-stream';
import type { StatsView } from '../realtime/stats-window';
import { GENERATOR_RANDOM, GENERATOR_STORAGE, Generator, MAX_IN_FLIGHT, RATE_WINDOW_MS, SETTINGS_KEY } from './generator';
import { BATCH_TICK_MS, DEFAULT_GENERATOR_SETTINGS } from './generator-plan';

const created = (req: TestRequest) => req.flush({}, { status: 201, statusText: 'Created' });
const overloaded = (req: TestRequest, retryAfter: string) =>
  req.flush(
    { error: { code: 'overloaded', message: 'The server holds 5000 tasks', details: [] } },
    { status: 503, statusText: 'Service Unavailable', headers: { 'Retry-After': retryAfter } },
  );
const rateLimited = (req: TestRequest) =>
  req.flush({ error: { code: 'rate_limited', message: 'Too many', details: [] } }, { status: 429, statusText: 'Too Many Requests' });
const noAnswer = (req: TestRequest) => req.error(new ProgressEvent('error'));

describe('Generator', () => {
  let http: HttpTestingController;
  let generator: Generator;
  let stored: Map<string, string>;
  const view = signal<StatsView>({ ...EMPTY_STATS_VIEW, connection: 'live' });
  const posts = () => http.match((r) => r.method === 'POST' && r.url === '/api/stories');

  function setup(initial?: string) {
    jest.useFakeTimers();
    stored = new Map(initial ? [[SETTINGS_KEY, initial]] : []);
    view.set({ ...EMPTY_STATS_VIEW, connection: 'live' });
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: GENERATOR_RANDOM, useValue: () => 0 },
        {
          provide: GENERATOR_STORAGE,
          useValue: { getItem: (k: string) => stored.get(k) ?? null, setItem: (k: string, v: string) => stored.set(k, v) },
        },
        { provide: StatsStream, useValue: { view } },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    generator = TestBed.inject(Generator);
  }

  beforeEach(() => setup());

  afterEach(() => {
    generator.stop();
    jest.useRealTimers();
  });

  it('posts a story at once and then after every drawn pause', () => {
    generator.start();
    expect(generator.running()).toBe(true);
    let reqs = posts();
    expect(reqs).toHaveLength(1);
    // random() = 0 → 20 tasks of 10 ms, next pause 50 ms.
    expect(reqs[0].request.body).toEqual({ tasks: Array.from({ length: 20 }, () => ({ estimate: 10 })) });
    // Not made by hand: the audit log leaves it out.
    expect(reqs[0].request.headers.has('Storyflow-Audit')).toBe(false);
    expect(generator.inFlight()).toBe(1);

    jest.advanceTimersByTime(49);
    expect(posts()).toHaveLength(0);
    jest.advanceTimersByTime(1);
    reqs = [...reqs, ...posts()];
    expect(reqs).toHaveLength(2);
    created(reqs[0]);
    created(reqs[1]);
    expect(generator.sent()).toBe(2);
    expect(generator.inFlight()).toBe(0);
    expect(generator.measuredRate()).toBeCloseTo(2 / 5);
  });

  it('measures the accepted rate over the last 5 s of the clock: it falls once nothing more is accepted', () => {
    generator.start();
    created(posts()[0]);
    expect(generator.measuredRate()).toBeCloseTo(1 / 5);
    // The next stories are never answered: the one accepted story leaves the window as the clock moves on.
    jest.advanceTimersByTime(RATE_WINDOW_MS - 1000);
    expect(generator.measuredRate()).toBeCloseTo(1 / 5);
    jest.advanceTimersByTime(2000);
    expect(generator.measuredRate()).toBe(0);
  });

  it('stops scheduling when stopped', () => {
    generator.start();
    posts();
    generator.stop();
    jest.advanceTimersByTime(1000);
    expect(posts()).toHaveLength(0);
    expect(generator.running()).toBe(false);
  });

  it('follows the adjustable rate and task ranges, and keeps them for the next visit', () => {
    const settings = { intervalMs: { min: 200, max: 300 }, tasks: { min: 2, max: 4 }, estimateMs: { min: 5, max: 6 } };
    generator.settings.set(settings);
    generator.start();
    expect(posts()[0].request.body).toEqual({ tasks: [{ estimate: 5 }, { estimate: 5 }] });
    jest.advanceTimersByTime(199);
    expect(posts()).toHaveLength(0);
    jest.advanceTimersByTime(1);
    expect(posts()).toHaveLength(1);
    TestBed.tick();
    expect(JSON.parse(stored.get(SETTINGS_KEY)!)).toEqual(settings);
  });

  it('starts with the stored settings, or the defaults when they are unreadable', () => {
    generator.stop();
    TestBed.resetTestingModule();
    const settings = { ...DEFAULT_GENERATOR_SETTINGS, tasks: { min: 3, max: 3 } };
    setup(JSON.stringify(settings));
    expect(generator.settings()).toEqual(settings);
    TestBed.resetTestingModule();
    setup('{broken');
    expect(generator.settings()).toEqual(DEFAULT_GENERATOR_SETTINGS);
  });

  it(`skips stories while ${MAX_IN_FLIGHT} requests are unanswered`, () => {
    generator.start();
    jest.advanceTimersByTime(50 * (MAX_IN_FLIGHT - 1));
    const reqs = posts();
    expect(reqs).toHaveLength(MAX_IN_FLIGHT);
    jest.advanceTimersByTime(50 * 3);
    expect(posts()).toHaveLength(0);
    expect(generator.skipped()).toBe(3);
    created(reqs[0]);
    jest.advanceTimersByTime(50);
    expect(posts()).toHaveLength(1);
  });

  it('waits the Retry-After of an overloaded server, then sends one story to try, and goes on once it is accepted', () => {
    generator.start();
    overloaded(posts()[0], '3');
    expect(generator.failed()).toBe(1);
    expect(generator.hold()).toMatchObject({ reason: 'backoff' });
    expect(generator.lastError()?.message).toBe('The server is at capacity: try again in 3 s.');
    jest.advanceTimersByTime(2999);
    expect(posts()).toHaveLength(0);
    jest.advanceTimersByTime(50);
    const probe = posts();
    expect(probe).toHaveLength(1);
    // Nothing more until the probe is answered.
    jest.advanceTimersByTime(500);
    expect(posts()).toHaveLength(0);
    created(probe[0]);
    expect(generator.hold()).toBeNull();
    // A success clears the old error: nothing red stays after recovery.
    expect(generator.lastError()).toBeNull();
    jest.advanceTimersByTime(50);
    expect(posts()).toHaveLength(1);
  });

  it('waits 5 s after a rate limit without Retry-After', () => {
    generator.start();
    rateLimited(posts()[0]);
    jest.advanceTimersByTime(4950);
    expect(posts()).toHaveLength(0);
    jest.advanceTimersByTime(100);
    expect(posts()).toHaveLength(1);
  });

  it('pauses while the server is unreachable: one probe at growing intervals, never a stream of failures', () => {
    generator.start();
    noAnswer(posts()[0]);
    expect(generator.hold()).toMatchObject({ reason: 'unreachable' });
    let probes = 0;
    // 20 s of outage.
    for (let t = 0; t < 20_000; t += 50) {
      jest.advanceTimersByTime(50);
      for (const req of posts()) {
        probes++;
        noAnswer(req);
      }
    }
    // 1 + 2 + 4 + 8 s: four probes in 20 s, not hundreds of requests.
    expect(probes).toBe(4);
    expect(generator.failed()).toBe(5);
    expect(generator.running()).toBe(true);
  });

  it('holds as soon as the live connection drops, and tries again as soon as it is back', () => {
    generator.start();
    created(posts()[0]);
    view.set({ ...EMPTY_STATS_VIEW, connection: 'reconnecting' });
    TestBed.tick();
    expect(generator.hold()).toMatchObject({ reason: 'unreachable' });
    jest.advanceTimersByTime(500);
    expect(posts()).toHaveLength(0);
    view.set({ ...EMPTY_STATS_VIEW, connection: 'live' });
    TestBed.tick();
    jest.advanceTimersByTime(50);
    const probe = posts();
    expect(probe).toHaveLength(1);
    created(probe[0]);
    expect(generator.hold()).toBeNull();
  });

  describe('with pauses shorter than a tick', () => {
    const batches = () => http.match((r) => r.method === 'POST' && r.url === '/api/stories/batch');
    const fast = { intervalMs: { min: 1, max: 1 }, tasks: { min: 1, max: 1 }, estimateMs: { min: 10, max: 10 } };
    const storedAll = (req: TestRequest) => {
      const stories = (req.request.body as { stories: unknown[] }).stories;
      req.flush({
        results: stories.map((_, i) => ({ ok: true, id: String(i).padStart(24, '0'), replayed: false })),
        created: stories.length,
        replayed: 0,
        failed: 0,
      });
    };

    it('sends the stories due meanwhile as one batch per tick, keeping the rate the pauses ask for (1,000/s)', () => {
      generator.settings.set(fast);
      generator.start();
      created(posts()[0]);
      let requests = 1;
      for (let t = 0; t < 1000; t += BATCH_TICK_MS) {
        jest.advanceTimersByTime(BATCH_TICK_MS);
        for (const req of batches()) {
          requests++;
          expect(req.request.headers.get('Idempotency-Key')).toBeTruthy();
          storedAll(req);
        }
        expect(posts()).toHaveLength(0);
      }
      // One story at once, then 20 every 20 ms: a thousand in a second, in about fifty requests.
      expect(generator.sent()).toBeGreaterThanOrEqual(990);
      expect(generator.sent()).toBeLessThanOrEqual(1001);
      expect(requests).toBeLessThanOrEqual(52);
      expect(generator.measuredRate()).toBeCloseTo(generator.sent() / 5, 5);
    });

    it('counts what a batch stored, and holds for the longest Retry-After its refused stories ask for', () => {
      generator.settings.set(fast);
      generator.start();
      created(posts()[0]);
      jest.advanceTimersByTime(BATCH_TICK_MS);
      const [req] = batches();
      const n = (req.request.body as { stories: unknown[] }).stories.length;
      const refused = (retryAfterSec: number) => ({
        ok: false,
        status: 503,
        retryAfterSec,
        error: { code: 'overloaded', message: 'full', details: [] },
      });
      req.flush(
        {
          results: [
            { ok: true, id: 'a'.repeat(24), replayed: false },
            refused(2),
            refused(4),
            ...Array.from({ length: n - 3 }, () => refused(1)),
          ],
          created: 1,
          replayed: 0,
          failed: n - 1,
        },
        { status: 207, statusText: 'Multi-Status' },
      );
      expect([generator.sent(), generator.failed()]).toEqual([2, n - 1]);
      expect(generator.hold()).toMatchObject({ reason: 'backoff' });
      jest.advanceTimersByTime(3900);
      expect(batches()).toHaveLength(0);
      expect(posts()).toHaveLength(0);
      jest.advanceTimersByTime(200);
      // The probe is one story.
      expect(posts()).toHaveLength(1);
    });
  });

  it('refuses to start with invalid settings', () => {
    generator.settings.set({ intervalMs: { min: 100, max: 50 }, tasks: { min: 20, max: 80 }, estimateMs: { min: 10, max: 20 } });
    generator.start();
    expect(generator.running()).toBe(false);
    expect(posts()).toHaveLength(0);
  });

  it('validates the settings against the limits the server answers', () => {
    expect(generator.errors()).toEqual([]);
    TestBed.inject(ServerLimits).load();
    http.expectOne('/api/limits').flush({ ...DEFAULT_STORY_LIMITS, maxTasks: 50 });
    expect(generator.errors().map((e) => e.message)).toEqual(['Tasks per story, max: must be from 1 to 50']);
    generator.start();
    expect(generator.running()).toBe(false);

    generator.settings.update((s) => ({ ...s, tasks: { min: 20, max: 50 } }));
    generator.start();
    expect(posts()).toHaveLength(1);
  });

  it('stops when the dashboard may no longer create stories (a viewer)', () => {
    TestBed.inject(AccessService);
    TestBed.tick();
    generator.start();
    http.expectOne('/api/access').flush({ role: 'viewer', readsNeedToken: false, mutationsNeedToken: true });
    TestBed.tick();
    expect(generator.running()).toBe(false);
  });
});
