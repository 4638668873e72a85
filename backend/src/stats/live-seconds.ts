import type { StatsSample, StatsSnapshot, StoriesActivity } from '@storyflow/contracts';
import type { Clock } from '../shared/clock.js';
import { Listeners } from '../shared/listeners.js';
import type { AssembledSecond } from './second.js';
import { StatsHistory } from './stats-history.js';

export interface LiveSecondsOptions {
  historySeconds: number;
  clock: Clock;
  countersSince: () => number;
  /** Cluster mode: this instance, named in the snapshot. */
  instanceId?: string;
  /** Adds the objectives a sample breaches (alerts/); only the instance that speaks for the second notifies. */
  judge?: (sample: StatsSample, options: { notify: boolean }) => StatsSample;
  /** Persists a second; called by the instance that speaks for it only, so a cluster stores each second once. */
  record?: (sample: StatsSample) => void;
}

/**
 * The seconds the dashboards see: each judged, kept for the snapshot (`historySeconds`) and sent; the instance that speaks for it
 * (alone: itself; in a cluster: the leader) also persists it and sends its alerts.
 */
export class LiveSeconds {
  private readonly history: StatsHistory;
  private readonly sampleListeners = new Listeners<[StatsSample]>();
  private readonly activityListeners = new Listeners<[StoriesActivity]>();

  constructor(private readonly options: LiveSecondsOptions) {
    this.history = new StatsHistory(options.historySeconds);
  }

  publish(second: AssembledSecond, speaker: { leader: boolean }): void {
    const sample = this.options.judge?.(second.sample, { notify: speaker.leader }) ?? second.sample;
    this.history.push(sample);
    if (speaker.leader) this.options.record?.(sample);
    this.sampleListeners.emit(sample);
    this.activityListeners.emit(second.activity);
  }

  onSample(listener: (sample: StatsSample) => void): () => void {
    return this.sampleListeners.add(listener);
  }

  /** The stories' side of each second: produced (`created`), completed, removed, and stored counts by status. */
  onActivity(listener: (activity: StoriesActivity) => void): () => void {
    return this.activityListeners.add(listener);
  }

  snapshot(): StatsSnapshot {
    const { clock, countersSince, instanceId } = this.options;
    return {
      now: clock.now(),
      history: this.history.toArray(),
      countersSince: countersSince(),
      ...(instanceId !== undefined ? { instanceId } : {}),
    };
  }
}
