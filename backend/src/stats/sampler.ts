import type { StatsSample, StatsSnapshot, StoriesActivity } from '@storyflow/contracts';
import type { Clock } from '../shared/clock.js';
import type { CounterCache } from './counter-cache.js';
import { makeSample, msUntilNextSecond, StatsHistory, type PoolFigures, type Totals } from './stats-history.js';

export type { PoolFigures };
import { Listeners } from '../shared/listeners.js';

/** Takes a sample at every whole second, keeps the recent history, and tells listeners. */
export class StatsSampler {
  private readonly history: StatsHistory;
  private readonly listeners = new Listeners<[StatsSample]>();
  private readonly activityListeners = new Listeners<[StoriesActivity]>();
  private previous: Totals;
  private previousRemoved = 0;
  private timer: unknown;

  constructor(
    private readonly counters: CounterCache,
    private readonly pool: () => PoolFigures,
    private readonly clock: Clock,
    historySeconds: number,
    /** Completes each sample before it is kept and sent (e.g. the objectives it breaches). */
    private readonly complete: (sample: StatsSample) => StatsSample = (sample) => sample,
  ) {
    this.history = new StatsHistory(historySeconds);
    this.previous = { ...counters.current };
  }

  onSample(listener: (sample: StatsSample) => void): () => void {
    return this.listeners.add(listener);
  }

  /** The stories' side of each second: created, completed, removed, and stored counts by status. */
  onActivity(listener: (activity: StoriesActivity) => void): () => void {
    return this.activityListeners.add(listener);
  }

  snapshot(): StatsSnapshot {
    return { now: this.clock.now(), history: this.history.toArray(), countersSince: this.counters.since };
  }

  start(): void {
    this.previous = { ...this.counters.current };
    this.previousRemoved = this.counters.current.deleted + this.counters.current.purged;
    this.schedule();
  }

  stop(): void {
    this.clock.clearTimeout(this.timer);
  }

  /** Records the second that ends at `secondEnd`. */
  tick(secondEnd: number): StatsSample {
    const current = this.counters.current;
    const sample = this.complete(makeSample(secondEnd - 1000, this.previous, current, this.pool()));
    this.previous = { produced: current.produced, completed: current.completed };
    this.history.push(sample);
    this.listeners.emit(sample);
    const removed = current.deleted + current.purged;
    const activity: StoriesActivity = {
      t: sample.t,
      created: sample.producedPerSec,
      completed: sample.completedPerSec,
      removed: removed - this.previousRemoved,
      counts: { Open: current.open, Done: current.storedDone },
    };
    this.previousRemoved = removed;
    this.activityListeners.emit(activity);
    return sample;
  }

  private schedule(previous?: number): void {
    const now = this.clock.now();
    // Timers may fire a little early or late: a sample is named by the boundary it was set for,
    // and the next boundary is always a later one.
    const boundary = Math.max(now + msUntilNextSecond(now), previous === undefined ? 0 : previous + 1000);
    this.timer = this.clock.setTimeout(() => {
      this.tick(boundary);
      this.schedule(boundary);
    }, boundary - now);
  }
}
