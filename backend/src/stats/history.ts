import { HISTORY_RANGES, type HistoryRange, type StatsHistoryDto, type StatsSample } from '@storyflow/contracts';
import { bucketSeconds, stepSamples } from './history-points.js';
import { ROLLUPS, rollUpChanged, type Resolution, type StoredRollups } from './history-rollups.js';
import type { HistoryStore } from './history-store.js';

/** Where each range is read from: the finest resolution kept for all of it (checked in history.test.ts). */
export const RANGE_SOURCES: Record<HistoryRange, 'seconds' | Resolution> = {
  '1m': 'seconds',
  '15m': 'seconds',
  '1h': 'seconds',
  '6h': 'm',
  '24h': 'm',
  '7d': 'm',
  '30d': 'h',
  '90d': 'h',
};

/**
 * The persisted history: seconds for the last hours, rolled up per minute and per hour as they age (see ROLLUPS), and the ranges
 * the dashboard draws, each from the resolution that covers it.
 */
export class History {
  constructor(
    private readonly seconds: HistoryStore,
    private readonly rollups: StoredRollups,
  ) {}

  record(sample: StatsSample): void {
    this.seconds.record(sample);
  }

  flush(now: number): Promise<void> {
    return this.seconds.flush(now);
  }

  /** Rolls what changed up (seconds into minutes, minutes into hours), then drops what each resolution keeps no longer. */
  async maintain(now: number): Promise<void> {
    await rollUpChanged(this.seconds, ROLLUPS.m.ms, (spans) => this.rollups.write('m', spans));
    await rollUpChanged(this.rollups.minutes(), ROLLUPS.h.ms, (spans) => this.rollups.write('h', spans));
    await this.seconds.trim(now);
    await this.rollups.trim(now);
  }

  /** The range ending at the last whole step before `now`, in its steps; a step without any figures is absent (a gap). */
  async range(range: HistoryRange, now: number): Promise<StatsHistoryDto> {
    const { seconds, stepSec } = HISTORY_RANGES[range];
    const stepMs = stepSec * 1000;
    const to = now - (now % stepMs);
    const from = to - seconds * 1000;
    const source = RANGE_SOURCES[range];
    const points =
      source === 'seconds'
        ? bucketSeconds(await this.seconds.spans(from, to), stepMs)
        : stepSamples(await this.rollups.steps(source, from, to, stepMs));
    return { range, stepSec, from, to, points };
  }
}
