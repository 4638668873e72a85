import { latencySecond, mergeLatency, type LatencySecond } from '@storyflow/contracts';
import type { Clock } from '../../shared/clock.js';

/** A burst's latencies past this many in one second are not kept: memory stays bounded, the first ones stand for it. */
const MAX_PER_SECOND = 100_000;

/** The latency (creation to stored Done) of the stories that turned Done in each second. */
export class StoryLatencyMeter {
  private latencies: number[] = [];

  constructor(private readonly clock: Clock) {}

  /** A story accepted at `createdAt` is stored Done, with `completedAt` (now, if not known): its latency is the stored one. */
  storyDone(createdAt: number, completedAt: number | null = null): void {
    if (this.latencies.length < MAX_PER_SECOND) this.latencies.push((completedAt ?? this.clock.now()) - createdAt);
  }

  /** The latencies since the previous read, exact percentiles (undefined: none finished). */
  read(): LatencySecond | undefined {
    return latencySecond(this.latencies.splice(0));
  }
}

/** Instances' latencies merge by their sketches (within 1 %), or by their buckets where one has none (bucket bounds). */
export const mergeStoryLatency = (seconds: readonly (Pick<LatencySecond, 'buckets' | 'sketch'> | undefined)[]): LatencySecond | undefined =>
  mergeLatency(seconds);
