// Story latency figures, pure and without zod (the dashboard computes a range's percentiles with these).
import { mergeSketches, sketchCount, sketchOf, sketchPercentile, type LatencySketch } from './latency-sketch.js';
import { LATENCY_BUCKETS_MS } from './realtime.js';
import { nearestRank, percentileOfSorted } from './percentile.js';
import type { LatencySecond } from './stats.js';

export interface LatencyPercentiles {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  /** Bucket bounds (up to 2× off), where some second carried no sketch (an older instance or stored second); else within 1 %. */
  approximate?: true;
}

/** A second's (or instances') latencies: the fixed buckets always, the sketch where it was measured. */
type LatencyCounts = Pick<LatencySecond, 'buckets' | 'sketch'>;

/** Index of the bucket `ms` falls in (the first bound ≥ ms; the last index for above the last bound). */
export function latencyBucket(ms: number): number {
  const i = LATENCY_BUCKETS_MS.findIndex((bound) => ms <= bound);
  return i === -1 ? LATENCY_BUCKETS_MS.length : i;
}

export { nearestRank, percentileOfSorted } from './percentile.js';

/** One second's latencies (ms), or undefined when there were none: exact percentiles and the bucket counts. */
export function latencySecond(values: readonly number[]): LatencySecond | undefined {
  if (!values.length) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const buckets = new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0);
  for (const ms of sorted) buckets[latencyBucket(ms)]!++;
  const at = (p: number) => percentileOfSorted(sorted, p);
  return { count: sorted.length, p50: at(50), p95: at(95), p99: at(99), buckets, sketch: sketchOf(sorted) };
}

/** The bucket counts of many seconds (or instances) added up; seconds without latencies count nothing. */
export function sumLatencyBuckets(seconds: readonly (Pick<LatencySecond, 'buckets'> | undefined)[]): number[] {
  const sum = new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0);
  for (const second of seconds) second?.buckets.forEach((n, i) => i < sum.length && (sum[i]! += n));
  return sum;
}

/**
 * Percentiles from bucket counts: the upper bound of the bucket each falls in (above the last bound:
 * that bound), as Prometheus' histogram_quantile would bound it. Null when the buckets count nothing.
 */
export function bucketPercentiles(buckets: readonly number[]): LatencyPercentiles | null {
  const count = buckets.reduce((a, b) => a + b, 0);
  if (!count) return null;
  const at = (p: number) => {
    const wanted = nearestRank(p, count);
    let seen = 0;
    for (let i = 0; i < buckets.length; i++)
      if ((seen += buckets[i]!) >= wanted) return LATENCY_BUCKETS_MS[Math.min(i, LATENCY_BUCKETS_MS.length - 1)]!;
    return LATENCY_BUCKETS_MS.at(-1)!;
  };
  return { count, p50: at(50), p95: at(95), p99: at(99) };
}

/** The seconds' sketches merged, when every second that counts a story carries one (and they agree with its buckets). */
function mergedSketch(seconds: readonly (LatencyCounts | undefined)[]): LatencySketch | null {
  const counted = seconds.filter((s): s is LatencyCounts => !!s && s.buckets.some((n) => n > 0));
  const agree = (s: LatencyCounts) => !!s.sketch && sketchCount(s.sketch) === s.buckets.reduce((a, b) => a + b, 0);
  return counted.every(agree) ? mergeSketches(counted.map((s) => s.sketch)) : null;
}

/** Within 1 % from a sketch, rounded to 0.1 ms. */
const sketchPercentiles = (sketch: LatencySketch): LatencyPercentiles | null => {
  const count = sketchCount(sketch);
  const at = (p: number) => Math.round(sketchPercentile(sketch, p)! * 10) / 10;
  return count ? { count, p50: at(50), p95: at(95), p99: at(99) } : null;
};

/**
 * Percentiles over many seconds (or instances): within 1 % from their merged sketches; from their summed
 * buckets (bucket bounds, `approximate`) when some second carries no sketch.
 */
export function latencyOverRange(seconds: readonly (LatencyCounts | undefined)[]): LatencyPercentiles | null {
  const sketch = mergedSketch(seconds);
  if (sketch) return sketchPercentiles(sketch);
  const bounds = bucketPercentiles(sumLatencyBuckets(seconds));
  return bounds && { ...bounds, approximate: true };
}

/** Many seconds' (or instances') latencies as one, with latencyOverRange's percentiles. Undefined when none finished. */
export function mergeLatency(seconds: readonly (LatencyCounts | undefined)[]): LatencySecond | undefined {
  const buckets = sumLatencyBuckets(seconds);
  const sketch = mergedSketch(seconds);
  const percentiles = sketch ? sketchPercentiles(sketch) : bucketPercentiles(buckets);
  if (!percentiles) return undefined;
  const { count, p50, p95, p99 } = percentiles;
  return { count, p50, p95, p99, buckets, ...(sketch ? { sketch } : {}) };
}

/** Bucket counts without their zeros, as `[index, count, index, count, …]`: how a second is stored. */
export function packBuckets(buckets: readonly number[]): number[] {
  const packed: number[] = [];
  buckets.forEach((n, i) => n > 0 && packed.push(i, n));
  return packed;
}

/** The dense bucket counts of packBuckets' output; pairs outside the buckets are ignored. */
export function unpackBuckets(packed: readonly number[]): number[] {
  const buckets = new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0);
  for (let k = 0; k + 1 < packed.length; k += 2) {
    const i = packed[k]!;
    if (Number.isInteger(i) && i >= 0 && i < buckets.length) buckets[i]! += packed[k + 1]!;
  }
  return buckets;
}
