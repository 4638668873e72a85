import type { LatencySecond, StatsSample } from '@storyflow/contracts';

/** The last `capacity` seconds of samples, oldest first. Pure: no clock, no I/O. */
export class StatsHistory {
  private readonly buffer: StatsSample[] = [];
  private start = 0;

  constructor(readonly capacity: number) {}

  push(sample: StatsSample): void {
    if (this.buffer.length < this.capacity) {
      this.buffer.push(sample);
    } else {
      this.buffer[this.start] = sample;
      this.start = (this.start + 1) % this.capacity;
    }
  }

  toArray(): StatsSample[] {
    return [...this.buffer.slice(this.start), ...this.buffer.slice(0, this.start)];
  }

  get latest(): StatsSample | undefined {
    return this.buffer.length ? this.buffer[(this.start + this.buffer.length - 1) % this.buffer.length] : undefined;
  }
}

/** Delay from `now` to the next whole second, so samples line up with wall-clock seconds. */
export function msUntilNextSecond(now: number): number {
  return 1000 - (now % 1000);
}

export interface Totals {
  produced: number;
  completed: number;
}

/** The pool's figures as the sampler reads them (processing provides them; stats does not import it). */
export interface PoolFigures {
  poolSize: number;
  busyWorkers: number;
  backlogTasks: number;
  paused?: boolean;
  /** The second's story latencies, tasks done, and the oldest Open story's age (see StatsSample). */
  latency?: LatencySecond;
  tasksDonePerSec?: number;
  oldestOpenAgeSec?: number | null;
}

/** One second's sample: per-second figures are differences of cumulative counters. */
export function makeSample(t: number, previous: Totals, current: Totals & { open: number }, pool: PoolFigures): StatsSample {
  return {
    t,
    producedPerSec: current.produced - previous.produced,
    completedPerSec: current.completed - previous.completed,
    open: current.open,
    completed: current.completed,
    poolSize: pool.poolSize,
    busyWorkers: pool.busyWorkers,
    backlogTasks: pool.backlogTasks,
    paused: pool.paused ?? false,
    ...(pool.latency ? { latency: pool.latency } : {}),
    ...(pool.tasksDonePerSec !== undefined ? { tasksDonePerSec: pool.tasksDonePerSec } : {}),
    ...(pool.oldestOpenAgeSec !== undefined ? { oldestOpenAgeSec: pool.oldestOpenAgeSec } : {}),
  };
}
