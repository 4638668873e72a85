import { describe, expect, it } from '@jest/globals';
import { latencyBlame, MAX_SLOW_STORIES, phasesOf, slowestStories, type StoryPhases } from '@storyflow/contracts';
import { fromInstanceReport, toInstanceReport } from '../../src/stats/cluster-second.js';
import { SlowStoriesMeter } from '../../src/stats/figures/slow-stories.js';
import { RecentTimings } from '../../src/stories/recent-timings.js';
import { addSecond, foldSpans, readSpan, storeSecond, storeSpan } from '../../src/stats/history-points.js';
import { assembleSecond, mergeSeconds, type SecondFigures } from '../../src/stats/second.js';

const total = (p: StoryPhases) => p[0] + p[1] + p[2];

describe('latency blame', () => {
  it("a story's phases add up to its latency; unknown when a moment is not known", () => {
    const phases = phasesOf({ createdAt: 1000, startedAt: 1400, ranUntil: 1900, completedAt: 1930 })!;
    expect(phases).toEqual([400, 500, 30]);
    expect(total(phases)).toBe(930);
    expect(phasesOf({ createdAt: 1000, startedAt: 1400, ranUntil: null, completedAt: 1930 })).toBeNull();
  });

  it('covers the slowest 1 % of the stories Done (at least one, at most ten), and names the phase that took most of their time', () => {
    const slowest: StoryPhases[] = [
      [900, 100, 0],
      [800, 100, 50],
      [10, 300, 10],
    ];
    expect(latencyBlame(slowest, 50)).toEqual({
      stories: 1,
      waitingMs: 900,
      runningMs: 100,
      committingMs: 0,
      dominant: 'waiting',
      share: 0.9,
    });
    expect(latencyBlame(slowest, 250)).toMatchObject({
      stories: 3,
      waitingMs: 1710,
      runningMs: 500,
      committingMs: 60,
      dominant: 'waiting',
    });
    const many = Array.from({ length: 20 }, (): StoryPhases => [0, 0, 100]);
    expect(latencyBlame(many, 100_000)).toMatchObject({ stories: MAX_SLOW_STORIES, committingMs: 1000, dominant: 'committing', share: 1 });
    expect(latencyBlame([], 10)).toBeNull();
  });

  it('merged lists keep the slowest of them all, whatever their order', () => {
    const a: StoryPhases[] = [
      [0, 50, 0],
      [0, 10, 0],
    ];
    const b: StoryPhases[] = [
      [0, 0, 70],
      [30, 0, 0],
    ];
    expect(slowestStories([a, undefined, b])).toEqual([
      [0, 0, 70],
      [0, 50, 0],
      [30, 0, 0],
      [0, 10, 0],
    ]);
    expect(slowestStories([a, b], 2)).toEqual([
      [0, 0, 70],
      [0, 50, 0],
    ]);
  });

  it("a second's meter keeps its ten slowest stories, slowest first, and starts afresh after each read", () => {
    const meter = new SlowStoriesMeter();
    for (let i = 1; i <= 1000; i++) meter.storyDone({ createdAt: 0, startedAt: i % 7, ranUntil: i, completedAt: i + (i % 3) });
    meter.storyDone({ createdAt: 0, startedAt: null, ranUntil: null, completedAt: 5000 }); // phases unknown: not counted
    const read = meter.read()!;
    expect(read).toHaveLength(MAX_SLOW_STORIES);
    const all = Array.from({ length: 1000 }, (_, k) => k + 1).map((i) => i + (i % 3));
    expect(read.map(total)).toEqual(all.sort((x, y) => y - x).slice(0, MAX_SLOW_STORIES));
    expect(meter.read()).toBeUndefined();
  });

  it("crosses instances and is persisted: the cluster's slowest are its instances' slowest, and a stored span keeps them", () => {
    const figures = (slowStories: StoryPhases[] | undefined): SecondFigures => ({
      stories: { produced: 0, completed: 0, removed: 0 },
      tasksDone: 0,
      latency: undefined,
      slowStories,
      pool: { poolSize: 0, busyWorkers: 0, backlogTasks: 0, paused: false },
      oldestOpenAgeSec: null,
    });
    const a = fromInstanceReport(
      toInstanceReport({ t: 0, figures: figures([[5, 5, 5]]), stored: { open: 0, completed: 0, storedDone: 0 } }),
    );
    const b = fromInstanceReport(
      toInstanceReport({ t: 0, figures: figures([[1, 100, 1]]), stored: { open: 0, completed: 0, storedDone: 0 } }),
    );
    const merged = mergeSeconds([a, b, figures(undefined)]);
    expect(merged.slowStories).toEqual([
      [1, 100, 1],
      [5, 5, 5],
    ]);
    const { sample } = assembleSecond({ t: 0, figures: merged, stored: { open: 0, completed: 0, storedDone: 0 } });
    expect(sample.slowStories).toEqual([
      [1, 100, 1],
      [5, 5, 5],
    ]);
    const second = addSecond(undefined, storeSecond(sample));
    const later = addSecond(undefined, storeSecond({ ...sample, t: 1000, slowStories: [[0, 0, 50]] }));
    expect(readSpan(storeSpan(foldSpans([second, later]))).slow).toEqual([
      [1, 100, 1],
      [0, 0, 50],
      [5, 5, 5],
    ]);
    expect(mergeSeconds([figures(undefined)]).slowStories).toBeUndefined();
    // Two instances' stored seconds of the same moment (history written before the leader merged them): both kept.
    const both = addSecond(
      addSecond(undefined, storeSecond({ ...sample, slowStories: [[0, 0, 1]] })),
      storeSecond({ ...sample, slowStories: [[0, 9, 0]] }),
    );
    expect(both.slow).toEqual([
      [0, 9, 0],
      [0, 0, 1],
    ]);
  });
});

describe('RecentTimings', () => {
  it("a Done story's timing from its stored moments and those noted as it ran; the newest kept, another instance's forgotten", () => {
    const timings = new RecentTimings(2);
    timings.ranAll('a', 1100, 1500);
    timings.ranAll('b', 2000, null); // taken on with every task done: its end is not known
    timings.ranAll('c', 3100, 3200);
    timings.ranAll('d', 4100, 4200);
    expect(timings.timingOf({ id: 'c', createdAt: 3000, completedAt: 3250, ran: null })).toEqual({
      waitingMs: 100,
      runningMs: 100,
      committingMs: 50,
    });
    expect(timings.timingOf({ id: 'a', createdAt: 1000, completedAt: 1600, ran: null })).toBeNull(); // older than the two kept
    expect(timings.timingOf({ id: 'b', createdAt: 2000, completedAt: 2600, ran: null })).toBeNull();
    expect(timings.timingOf({ id: 'd', createdAt: 4000, completedAt: null, ran: null })).toBeNull();
    expect(timings.timingOf({ id: 'd', createdAt: 4000, completedAt: 4150, ran: null })).toBeNull(); // stored before it ran here: not ours
    // Moments stored with the story (a completion per story) come first: the memory is for what the store did not keep.
    const stored = { id: 'c', createdAt: 3000, completedAt: 3250, ran: { startedAt: 3050, ranUntil: 3230 } };
    expect(timings.timingOf(stored)).toEqual({ waitingMs: 50, runningMs: 180, committingMs: 20 });
    timings.forget('c');
    expect(timings.timingOf({ id: 'c', createdAt: 3000, completedAt: 3250, ran: null })).toBeNull();
  });
});
