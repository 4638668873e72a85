import { describe, expect, it } from '@jest/globals';
import type { StatsSample } from '@storyflow/contracts';
import { CounterCache } from '../../src/stats/counter-cache.js';
import { LiveSeconds } from '../../src/stats/live-seconds.js';
import { msUntilNextSecond, StatsSampler } from '../../src/stats/sampler.js';
import { assembleSecond, SecondMeter } from '../../src/stats/second.js';
import { StatsHistory } from '../../src/stats/stats-history.js';
import { seededRandom } from '@storyflow/test-support';
import { FakeClock } from '../support/fake-clock.js';

const sample = (t: number): StatsSample => ({
  t,
  producedPerSec: 0,
  completedPerSec: 0,
  open: 0,
  completed: 0,
  poolSize: 0,
  busyWorkers: 0,
  backlogTasks: 0,
});

describe('StatsHistory', () => {
  it('is empty at first', () => {
    const h = new StatsHistory(3);
    expect(h.toArray()).toEqual([]);
    expect(h.latest).toBeUndefined();
  });

  it('keeps everything, oldest first, until full', () => {
    const h = new StatsHistory(3);
    h.push(sample(1));
    h.push(sample(2));
    expect(h.toArray().map((s) => s.t)).toEqual([1, 2]);
    expect(h.latest?.t).toBe(2);
  });

  it('keeps the last N, oldest first, however often it wraps', () => {
    const h = new StatsHistory(3);
    for (let t = 1; t <= 10; t++) {
      h.push(sample(t));
      const expected = Array.from({ length: Math.min(t, 3) }, (_, i) => t - Math.min(t, 3) + 1 + i);
      expect(h.toArray().map((s) => s.t)).toEqual(expected);
      expect(h.latest?.t).toBe(t);
    }
  });

  it('toArray returns a copy', () => {
    const h = new StatsHistory(2);
    h.push(sample(1));
    h.toArray().push(sample(99));
    expect(h.toArray()).toHaveLength(1);
  });
});

describe('msUntilNextSecond', () => {
  it('is the delay to the next whole second, a full second on a boundary', () => {
    expect(msUntilNextSecond(1_700_000_000_123)).toBe(877);
    expect(msUntilNextSecond(1_700_000_000_999)).toBe(1);
    expect(msUntilNextSecond(1_700_000_000_000)).toBe(1000);
  });
});

describe('assembleSecond', () => {
  it('places each figure in the sample and the activity; stored counts come from the stored side', () => {
    const { sample, activity } = assembleSecond({
      t: 5000,
      figures: {
        stories: { produced: 15, completed: 7, removed: 2 },
        tasksDone: 30,
        latency: undefined,
        slowStories: undefined,
        pool: { poolSize: 8, busyWorkers: 6, backlogTasks: 120, paused: true },
        oldestOpenAgeSec: 4.5,
      },
      stored: { open: 14, completed: 11, storedDone: 9 },
    });
    expect(sample).toEqual({
      t: 5000,
      producedPerSec: 15,
      completedPerSec: 7,
      open: 14,
      completed: 11,
      poolSize: 8,
      busyWorkers: 6,
      backlogTasks: 120,
      paused: true,
      tasksDonePerSec: 30,
      oldestOpenAgeSec: 4.5,
    });
    expect(activity).toEqual({ t: 5000, created: 15, completed: 7, removed: 2, counts: { Open: 14, Done: 9 } });
  });
});

describe('CounterCache', () => {
  const totals = { since: 5, open: 3, done: 10, doneTasks: 400, removedOpen: 2, removedDone: 5, purged: 4, deleted: 3 };

  it('starts at zero', () => {
    expect(new CounterCache().current).toEqual({
      produced: 0,
      completed: 0,
      open: 0,
      deleted: 0,
      purged: 0,
      storedDone: 0,
      storedDoneTasks: 0,
    });
  });

  it('seeds from stored totals: produced counts removed stories too, completed counts removed done ones', () => {
    const c = new CounterCache();
    c.seed(totals);
    expect(c.current).toEqual({ produced: 20, completed: 15, open: 3, deleted: 3, purged: 4, storedDone: 10, storedDoneTasks: 400 });
  });

  it('moves with created and completed stories', () => {
    const c = new CounterCache();
    c.seed(totals);
    c.storyProduced();
    c.storyProduced();
    c.storiesCompleted(3, 120);
    expect(c.current).toEqual({ produced: 22, completed: 18, open: 2, deleted: 3, purged: 4, storedDone: 13, storedDoneTasks: 520 });
  });

  it('a delete keeps produced and completed, lowers open by the open ones, counts all as deleted', () => {
    const c = new CounterCache();
    c.seed(totals);
    c.storiesRemoved({ open: 2, done: 4, doneTasks: 100 }, 'delete');
    expect(c.current).toEqual({ produced: 20, completed: 15, open: 1, deleted: 9, purged: 4, storedDone: 6, storedDoneTasks: 300 });
  });

  it('a purge counts as purged, not deleted', () => {
    const c = new CounterCache();
    c.seed(totals);
    c.storiesRemoved({ open: 0, done: 6, doneTasks: 400 }, 'purge');
    expect(c.current).toEqual({ produced: 20, completed: 15, open: 3, deleted: 3, purged: 10, storedDone: 4, storedDoneTasks: 0 });
  });

  it('re-seeding replaces the values', () => {
    const c = new CounterCache();
    c.storyProduced();
    c.seed({ since: 0, open: 0, done: 0, doneTasks: 0, removedOpen: 0, removedDone: 0, purged: 0, deleted: 0 });
    expect(c.current.produced).toBe(0);
    expect(c.current.open).toBe(0);
  });
});

describe('StatsSampler', () => {
  const START = 1_700_000_000_123;
  const pool = { poolSize: 7, busyWorkers: 5, backlogTasks: 42 };

  function setup(historySeconds = 60, jitter?: () => number) {
    const clock = new FakeClock(START);
    if (jitter) clock.jitter = jitter;
    const counters = new CounterCache();
    counters.seed({ since: 0, open: 5, done: 100, doneTasks: 0, removedOpen: 0, removedDone: 0, purged: 0, deleted: 0 });
    const sources = {
      counters,
      pool: () => ({ ...pool, paused: false, oldestOpenAt: null }),
      tasksRun: () => 0,
      onStoryDone: () => undefined,
    };
    const sampler = new StatsSampler(new SecondMeter(sources, clock), clock);
    // Wired as a single instance is: each measured second assembled and published.
    const live = new LiveSeconds({ historySeconds, clock, countersSince: () => counters.since });
    sampler.onSecond((own) => live.publish(assembleSecond(own), { leader: true }));
    const samples: StatsSample[] = [];
    /** counters.produced at the moment of each sample */
    const producedAt: number[] = [];
    live.onSample((s) => {
      samples.push(s);
      producedAt.push(counters.current.produced);
    });
    return { clock, counters, sampler, live, samples, producedAt };
  }

  it('samples at each whole second; t is the start of the second just ended', () => {
    const { clock, sampler, samples } = setup();
    sampler.start();
    clock.advanceTo(START + 876);
    expect(samples).toHaveLength(0);
    clock.advanceTo(START + 877); // 1_700_000_001_000
    expect(samples.map((s) => s.t)).toEqual([1_700_000_000_000]);
    clock.advanceTo(1_700_000_005_000);
    expect(samples.map((s) => s.t)).toEqual([0, 1, 2, 3, 4].map((i) => 1_700_000_000_000 + i * 1000));
    expect(samples[0]).toMatchObject({ poolSize: 7, busyWorkers: 5, backlogTasks: 42, open: 5, completed: 100 });
    sampler.stop();
  });

  it.each([
    ['1 ms early', () => -1],
    ['a few ms late', () => 7],
    [
      'alternately early and late',
      (() => {
        let i = 0;
        return () => (i++ % 2 ? -1 : 5);
      })(),
    ],
    [
      'randomly between 1 ms early and 9 ms late',
      (() => {
        const r = seededRandom(42);
        return () => Math.floor(r() * 11) - 1;
      })(),
    ],
  ])('no duplicate or skipped t when the timer fires %s', (_name, jitter) => {
    const { clock, sampler, samples } = setup(60, jitter);
    sampler.start();
    clock.advanceTo(START + 120_500);
    expect(samples.length).toBeGreaterThanOrEqual(119);
    const ts = samples.map((s) => s.t);
    expect(ts[0]).toBe(1_700_000_000_000);
    for (let i = 0; i < ts.length; i++) {
      expect(ts[i]! % 1000).toBe(0);
      if (i > 0) expect(ts[i]! - ts[i - 1]!).toBe(1000);
    }
    sampler.stop();
  });

  it('the sum of producedPerSec over the samples equals the counter increase', () => {
    const { clock, counters, sampler, samples, producedAt } = setup(60, () => 3);
    const random = seededRandom(7);
    counters.storyProduced(); // before start: not part of any sample
    const before = counters.current.produced;
    sampler.start();
    const arrive = () => {
      const n = Math.floor(random() * 4);
      for (let i = 0; i < n; i++) counters.storyProduced();
      if (random() < 0.3) counters.storiesCompleted(Math.min(counters.current.open, 2));
      clock.setTimeout(arrive, 1 + Math.floor(random() * 60));
    };
    arrive();
    clock.advanceTo(START + 30_000);
    sampler.stop();
    expect(samples.length).toBe(30);
    const sum = samples.reduce((a, s) => a + s.producedPerSec, 0);
    expect(producedAt.at(-1)! - before).toBeGreaterThan(100);
    expect(sum).toBe(producedAt.at(-1)! - before);
    // Each sample's figure is the increase since the previous sample.
    for (let i = 1; i < samples.length; i++) expect(samples[i]!.producedPerSec).toBe(producedAt[i]! - producedAt[i - 1]!);
    const completedSum = samples.reduce((a, s) => a + s.completedPerSec, 0);
    expect(completedSum).toBe(samples.at(-1)!.completed - 100);
  });

  it('the snapshot history is capped at historySeconds, oldest first, and `now` is the clock', () => {
    const { clock, sampler, live, samples } = setup(20);
    expect(live.snapshot()).toEqual({ now: START, history: [], countersSince: 0 });
    sampler.start();
    clock.advanceTo(START + 50_000);
    const snap = live.snapshot();
    expect(snap.now).toBe(START + 50_000);
    expect(snap.history).toHaveLength(20);
    expect(snap.history).toEqual(samples.slice(-20));
    sampler.stop();
  });

  it('every listener gets each sample; an unsubscribed one no longer does; stop() ends sampling', () => {
    const { clock, sampler, live, samples } = setup();
    const other: number[] = [];
    const off = live.onSample((s) => other.push(s.t));
    sampler.start();
    clock.advanceTo(START + 3_000);
    expect(other).toEqual(samples.map((s) => s.t));
    expect(other).toHaveLength(3);
    off();
    clock.advanceTo(START + 5_000);
    expect(other).toHaveLength(3);
    expect(samples).toHaveLength(5);
    sampler.stop();
    expect(clock.pendingTimers).toBe(0);
    clock.advanceTo(START + 10_000);
    expect(samples).toHaveLength(5);
  });

  it('tick() records the second ending at its argument', () => {
    const { counters, sampler, live, samples } = setup();
    counters.storyProduced();
    const own = sampler.tick(1_700_000_001_000);
    expect(own.t).toBe(1_700_000_000_000);
    expect(own.figures.stories.produced).toBe(1); // since construction
    const { sample } = assembleSecond(own);
    expect(samples).toEqual([sample]);
    expect(live.snapshot().history).toEqual([sample]);
  });
});
