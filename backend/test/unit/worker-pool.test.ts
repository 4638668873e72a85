import { describe, expect, it } from '@jest/globals';
import { ReadyQueue, type ReadyTask } from '../../src/processing/ready-queue.js';
import { WorkerPool } from '../../src/processing/worker-pool.js';
import type { QueuedTask } from '../../src/processing/tracked-story.js';
import { FakeClock } from '../support/fake-clock.js';
import { makeStory } from '../support/stories.js';

interface Run {
  id: string;
  start: number;
  end?: number;
}

/** A queue that records when each task was handed to a worker. */
class RecordingQueue extends ReadyQueue {
  readonly starts = new Map<QueuedTask, number>();
  constructor(private readonly clock: FakeClock) {
    super();
  }
  override take(): ReadyTask | undefined {
    const item = super.take();
    if (item) this.starts.set(item.task, this.clock.now());
    return item;
  }
}

function setup(size: number) {
  const clock = new FakeClock(1_000);
  const queue = new RecordingQueue(clock);
  const runs: Run[] = [];
  let maxBusy = 0;
  let overSize = 0;
  const pool = new WorkerPool(
    queue,
    (item) => {
      runs.push({ id: `${item.story.id}:${item.task.n}`, start: queue.starts.get(item.task)!, end: clock.now() });
      // The worker that finished is already released; busy never exceeds the size.
      if (pool.busyWorkers > pool.poolSize) overSize++;
    },
    clock,
    size,
  );
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

  it('starts tasks in FIFO order', () => {
    const s = setup(1);
    s.queue.push(makeStory('A', [5, 5]));
    s.queue.push(makeStory('B', [5]));
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
    const queue = new ReadyQueue();
    const done: string[] = [];
    const pool = new WorkerPool(
      queue,
      (item) => {
        done.push(`${item.story.id}:${item.task.n}`);
        pool.stop();
      },
      clock,
      3,
    );
    queue.push(makeStory('A', [10, 10, 10]));
    pool.pump();
    clock.advanceBy(50);
    expect(done).toEqual(['A:1']);
  });
});
