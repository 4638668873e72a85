// Story latency figures, pure and without zod (the dashboard computes a range's percentiles with these).
import { LATENCY_BUCKETS_MS } from './realtime.js';
import type { LatencySecond } from './stats.js';

export interface LatencyPercentiles {
  count: number;
  p50: number;
  p95: number;
  p99: number;
}

/** Index of the bucket `ms` falls in (the first bound ≥ ms; the last index for above the last bound). */
export function latencyBucket(ms: number): number {
  const i = LATENCY_BUCKETS_MS.findIndex((bound) => ms <= bound);
  return i === -1 ? LATENCY_BUCKETS_MS.length : i;
}

/**
 * The rank (1-based) of the p-th percentile (p in 0–100) among `n` ordered values, by the nearest-rank
 * method: the smallest rank k with k ≥ p% of n, at least 1. The one percentile definition of the project:
 * the server's exact and bucket-bound figures, the benchmark's and the tests' (test-support's `percentile`).
 * `p·n / 100` rather than `p / 100 · n`: exact for whole p and n (0.07 · 100 is 7.000000000000001).
 */
export function nearestRank(p: number, n: number): number {
  return Math.min(n, Math.max(1, Math.ceil((p * n) / 100)));
}

/** The nearest-rank p-th percentile (p in 0–100) of values sorted ascending; there must be at least one. */
export function percentileOfSorted(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new RangeError('percentileOfSorted: no values');
  return sorted[nearestRank(p, sorted.length) - 1]!;
}

/** One second's latencies (ms), or undefined when there were none: exact percentiles and the bucket counts. */
export function latencySecond(values: readonly number[]): LatencySecond | undefined {
  if (!values.length) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const buckets = new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0);
  for (const ms of sorted) buckets[latencyBucket(ms)]!++;
  const at = (p: number) => percentileOfSorted(sorted, p);
  return { count: sorted.length, p50: at(50), p95: at(95), p99: at(99), buckets };
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

/** Percentiles over many seconds (or instances), from their summed buckets (see bucketPercentiles). */
export function latencyOverRange(seconds: readonly (Pick<LatencySecond, 'buckets'> | undefined)[]): LatencyPercentiles | null {
  return bucketPercentiles(sumLatencyBuckets(seconds));
}

/**
 * Many seconds' (or instances') latencies as one: their summed buckets, with bucket-bound percentiles
 * (the exact values are not kept). Undefined when none finished, as for latencySecond.
 */
export function mergeLatency(seconds: readonly (Pick<LatencySecond, 'buckets'> | undefined)[]): LatencySecond | undefined {
  const buckets = sumLatencyBuckets(seconds);
  const percentiles = bucketPercentiles(buckets);
  return percentiles ? { ...percentiles, buckets } : undefined;
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
