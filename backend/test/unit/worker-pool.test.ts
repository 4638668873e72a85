import { describe, expect, it } from '@jest/globals';
import { FairQueue } from '../../src/processing/fair-queue.js';
import type { TrackedStory } from '../../src/processing/tracked-story.js';
import { WorkerPool } from '../../src/processing/worker-pool.js';
import { FakeClock } from '../support/fake-clock.js';
import { makeStory } from '../support/stories.js';

interface Run {
  id: string;
  start: number;
  end?: number;
}

/** A queue that records when each task was handed to a worker. */
class RecordingQueue extends FairQueue {
  readonly starts = new Map<string, number>();
  constructor(private readonly clock: FakeClock) {
    super(1000);
  }
  override take(allowLong: boolean): TrackedStory | undefined {
    const story = super.take(allowLong);
    if (story) this.starts.set(`${story.id}:${story.taskNs[story.cursor - 1]}`, this.clock.now());
    return story;
  }
}

function setup(size: number, reserveFraction = 0) {
  const clock = new FakeClock(1_000);
  const queue = new RecordingQueue(clock);
  const runs: Run[] = [];
  let maxBusy = 0;
  let overSize = 0;
  const pool = new WorkerPool(queue, {
    clock,
    initialSize: size,
    reserveFraction,
    onTaskDone: (story, n) => {
      const id = `${story.id}:${n}`;
      runs.push({ id, start: queue.starts.get(id)!, end: clock.now() });
      // The worker that finished is already released; busy never exceeds the size.
      if (pool.busyWorkers > pool.poolSize) overSize++;
    },
  });
  const observe = () => {
    maxBusy = Math.max(maxBusy, pool.busyWorkers);
  };
  return {
    clock,
    queue,
    pool,
    runs,
    observe,
    get maxBusy() {
      return maxBusy;
    },
    get overSize() {
      return overSize;
    },
  };
}

/** Largest number of [start, end) intervals overlapping at any instant. */
function maxConcurrency(runs: Run[]): number {
  const events = runs.flatMap((r) => [
    { t: r.start, d: 1 },
    { t: r.end!, d: -1 },
  ]);
  events.sort((a, b) => a.t - b.t || a.d - b.d); // ends before starts at the same instant
  let cur = 0;
  let max = 0;
  for (const e of events) {
    cur += e.d;
    max = Math.max(max, cur);
  }
  return max;
}

describe('WorkerPool', () => {
  it('never runs more than `size` tasks at once and holds each worker for exactly its estimate', () => {
    const s = setup(3);
    const estimates = [10, 20, 15, 5, 30, 12, 7, 18, 9, 11];
    s.queue.push(makeStory('A', estimates));
    s.pool.pump();
    s.observe();
    expect(s.pool.busyWorkers).toBe(3);
    expect(s.queue.backlogTasks).toBe(7);
    for (let t = 1_000; t <= 1_200; t++) {
      s.clock.advanceTo(t);
      s.observe();
    }
    expect(s.runs).toHaveLength(estimates.length);
    for (const r of s.runs) {
      const n = Number(r.id.split(':')[1]);
      expect(r.end! - r.start).toBe(estimates[n - 1]);
    }
    expect(maxConcurrency(s.runs)).toBe(3);
    expect(s.maxBusy).toBe(3);
    expect(s.overSize).toBe(0);
    // Work-conserving: a freed worker takes the next task at the same instant.
    // Greedy list schedule on 3 workers: 10|20|15 → 5@10 → 30@15, 12@15 → 7@20 → 18@27, 9@27 → 11@36, ends 47.
    expect(Math.max(...s.runs.map((r) => r.end!)) - 1_000).toBe(47);
    expect(s.runs.find((r) => r.id === 'A:10')?.start).toBe(1_036);
    expect(s.pool.busyWorkers).toBe(0);
  });

  it('starts tasks in arrival order (stories of similar size)', () => {
    const s = setup(1);
    s.queue.push(makeStory('A', [5, 5], 0));
    s.queue.push(makeStory('B', [5], 1));
    s.pool.pump();
    s.clock.advanceBy(100);
    expect(s.runs.map((r) => [r.id, r.start - 1_000])).toEqual([
      ['A:1', 0],
      ['A:2', 5],
      ['B:1', 10],
    ]);
  });

  it('growing starts waiting tasks at once', () => {
    const s = setup(2);
    s.queue.push(
      makeStory(
        'A',
        Array.from({ length: 10 }, () => 100),
      ),
    );
    s.pool.pump();
    s.clock.advanceBy(10);
    expect(s.pool.busyWorkers).toBe(2);
    s.pool.resize(6);
    expect(s.pool.poolSize).toBe(6);
    expect(s.pool.busyWorkers).toBe(6);
    expect(s.queue.backlogTasks).toBe(4);
    s.clock.advanceBy(1_000);
    const startedAtResize = s.runs.filter((r) => r.start === 1_010);
    expect(startedAtResize).toHaveLength(4);
  });

  it('shrinking never interrupts a running task and does not refill above the new size', () => {
    const s = setup(4);
    s.queue.push(makeStory('A', [10, 20, 30, 40, 10, 10, 10, 10]));
    s.pool.pump();
    s.clock.advanceBy(5);
    s.pool.resize(2);
    expect(s.pool.busyWorkers).toBe(4); // nothing interrupted
    const busyAfter: number[] = [];
    for (let i = 0; i < 200; i++) {
      s.clock.advanceBy(1);
      busyAfter.push(s.pool.busyWorkers);
    }
    // The four first tasks ran to completion with their full estimates.
    const first = s.runs.filter((r) => ['A:1', 'A:2', 'A:3', 'A:4'].includes(r.id));
    expect(first.map((r) => r.end! - r.start)).toEqual([10, 20, 30, 40]);
    // No task started before the pool had drained below the new size: at t=10 and t=20 busy was 3 and 2.
    const later = s.runs.filter((r) => !first.includes(r));
    expect(Math.min(...later.map((r) => r.start))).toBe(1_030);
    expect(later).toHaveLength(4);
    // From the resize on, in flight never rose above 2 once it was at or below 2.
    const firstAtSize = busyAfter.findIndex((b) => b <= 2);
    expect(Math.max(...busyAfter.slice(firstAtSize))).toBeLessThanOrEqual(2);
  });

  it('pump with nothing queued does nothing; tasks queued later start on the next pump', () => {
    const s = setup(2);
    s.pool.pump();
    expect(s.pool.busyWorkers).toBe(0);
    expect(s.clock.pendingTimers).toBe(0);
    s.queue.push(makeStory('A', [10]));
    expect(s.pool.busyWorkers).toBe(0);
    s.pool.pump();
    expect(s.pool.busyWorkers).toBe(1);
  });

  it('stop() abandons in-flight tasks: no onTaskDone after stop, nothing more is taken', () => {
    const s = setup(2);
    s.queue.push(makeStory('A', [10, 10, 10, 10]));
    s.pool.pump();
    s.clock.advanceBy(10);
    expect(s.runs).toHaveLength(2);
    s.clock.advanceBy(5);
    s.pool.stop();
    expect(s.pool.busyWorkers).toBe(0);
    expect(s.clock.pendingTimers).toBe(0);
    s.clock.advanceBy(1_000);
    expect(s.runs).toHaveLength(2);
    s.pool.pump();
    s.pool.resize(10);
    expect(s.pool.busyWorkers).toBe(0);
    expect(s.queue.backlogTasks).toBe(0); // the two abandoned tasks were already taken
  });

  it('stop() from inside onTaskDone leaves other finishing tasks unreported', () => {
    const clock = new FakeClock(0);
    const queue = new FairQueue(1000);
    const done: string[] = [];
    const pool = new WorkerPool(queue, {
      clock,
      initialSize: 3,
      reserveFraction: 0,
      onTaskDone: (story, n) => {
        done.push(`${story.id}:${n}`);
        pool.stop();
      },
    });
    queue.push(makeStory('A', [10, 10, 10]));
    pool.pump();
    clock.advanceBy(50);
    expect(done).toEqual(['A:1']);
  });

  it('uses one timer for all the tasks in flight, whatever their number', () => {
    const s = setup(500);
    s.queue.push(
      makeStory(
        'A',
        Array.from({ length: 500 }, (_, i) => 10 + (i % 11)),
      ),
    );
    s.pool.pump();
    expect(s.pool.busyWorkers).toBe(500);
    expect(s.clock.pendingTimers).toBe(1);
    s.clock.advanceBy(15);
    expect(s.clock.pendingTimers).toBe(1);
    s.clock.advanceBy(100);
    expect(s.runs).toHaveLength(500);
    expect(s.clock.pendingTimers).toBe(0);
    // Each task still held its worker for exactly its estimate.
    for (const r of s.runs) expect(r.end! - r.start).toBe(10 + ((Number(r.id.split(':')[1]) - 1) % 11));
  });

  it('cancel() frees the workers of a deleted story at once and never reports its tasks', () => {
    const s = setup(4); // reserve: 1 worker
    const big = makeStory('BIG', [60_000, 60_000, 60_000, 60_000]);
    s.queue.push(big);
    s.queue.push(makeStory('S', [5, 5], 1_000_000)); // ranks after BIG
    s.pool.pump();
    // BIG holds all but the reserve, S:1 runs in the reserve, S:2 waits.
    expect([s.pool.busyWorkers, big.running, s.queue.backlogTasks]).toEqual([4, 3, 2]);
    s.queue.remove(big);
    s.pool.cancel(big);
    expect(big.running).toBe(0);
    // The freed workers take the waiting work at once.
    expect([s.pool.busyWorkers, s.queue.backlogTasks]).toEqual([2, 0]);
    s.clock.advanceBy(120_000);
    expect(s.runs.map((r) => [r.id, r.start - 1_000])).toEqual([
      ['S:1', 0],
      ['S:2', 0],
    ]);
    expect(s.pool.busyWorkers).toBe(0);
  });

  it('a worker whose timer fires late starts a story that arrived meanwhile on its arrival, not at its deadline before it', () => {
    const s = setup(1);
    s.clock.jitter = () => 40; // every timer fires 40 ms late
    s.queue.push(makeStory('A', [10], 1_000));
    s.pool.pump(); // A holds the worker 1,000–1,010; its timer fires at 1,050
    s.clock.advanceBy(30);
    const b = makeStory('B', [10], 1_030);
    s.queue.push(b);
    s.pool.pump(); // the worker is still A's as far as the pool knows
    s.clock.advanceBy(100);
    expect(b.startedAt).toBe(1_030); // a story's wait is never negative
  });

  it('keeps a reserve that tasks of long stories may not take', () => {
    const s = setup(20, 0.1); // reserve: 2 workers
    s.queue.push(
      makeStory(
        'L',
        Array.from({ length: 100 }, () => 60_000),
      ),
    );
    s.pool.pump();
    expect(s.pool.busyWorkers).toBe(18);
    s.queue.push(makeStory('short', [5, 5, 5]));
    s.pool.pump();
    expect(s.pool.busyWorkers).toBe(20);
    s.clock.advanceBy(5);
    expect(s.runs.map((r) => [r.id, r.end! - 1_000])).toEqual([
      ['short:1', 5],
      ['short:2', 5],
    ]);
    s.clock.advanceBy(5);
    expect(s.runs.map((r) => r.id)).toContain('short:3');
    // The reserve is idle again and stays so: the long story cannot take it.
    expect(s.pool.busyWorkers).toBe(18);
  });

  it('a late timer does not idle the worker: its next task starts when the last one was due', () => {
    const s = setup(1);
    s.clock.jitter = () => 5; // every timer fires 5 ms late
    s.queue.push(makeStory('A', [10, 10, 10]));
    s.pool.pump();
    // Due at 10, 20, 30 in simulated time; noticed at 15, 25, 35. Without the catch-up the third task
    // would only be noticed at 45.
    s.clock.advanceTo(1_035);
    expect(s.runs.map((r) => r.id)).toEqual(['A:1', 'A:2', 'A:3']);
    expect(s.pool.busyWorkers).toBe(0);
  });
});
