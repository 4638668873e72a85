// A relative-error latency sketch (DDSketch: Masson, Rim and Lee, VLDB 2019), pure and without zod: plain data,
// so seconds and instances merge by adding counts, as the fixed buckets do, but every percentile is within
// RELATIVE_ACCURACY of the true value instead of up to a bucket's width (2× at 5 s → 10 s).
import { nearestRank } from './percentile.js';

/** Each value is represented within ±1 % (a bucket spans about 2 %). */
export const RELATIVE_ACCURACY = 0.01;
/** At most this many buckets: from 1 ms, 1 % buckets reach past 100 days (about 1,200 are enough). */
export const MAX_SKETCH_BUCKETS = 2048;
/** Values at or below this (ms) count as zero: no story is faster than the clock's resolution. */
const MIN_VALUE_MS = 1e-3;

const GAMMA = (1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY);
const LOG_GAMMA = Math.log(GAMMA);

/**
 * Counts by logarithmic bucket: `counts[k]` values fell in bucket `offset + k`, whose values v satisfy
 * γ^(i−1) < v ≤ γ^i with γ = (1 + α) / (1 − α); `zeros` counts values too small to bucket.
 */
export interface LatencySketch {
  zeros: number;
  offset: number;
  counts: number[];
}

export const emptySketch = (): LatencySketch => ({ zeros: 0, offset: 0, counts: [] });

/** The bucket a value (ms) falls in. */
export const sketchBucket = (ms: number): number => Math.ceil(Math.log(ms) / LOG_GAMMA);

/** The value a bucket stands for: within α of every value in it. */
const bucketValue = (i: number): number => (2 * GAMMA ** i) / (GAMMA + 1);

export const sketchCount = (s: LatencySketch): number => s.counts.reduce((a, b) => a + b, s.zeros);

/** Adds `n` values of bucket `i`, growing the dense range; past MAX_SKETCH_BUCKETS the lowest buckets fold together. */
function addToBucket(s: LatencySketch, i: number, n: number): void {
  if (!s.counts.length) {
    s.offset = i;
    s.counts.push(n);
    return;
  }
  if (i < s.offset) {
    s.counts.unshift(...new Array<number>(s.offset - i).fill(0));
    s.offset = i;
  } else if (i >= s.offset + s.counts.length) {
    s.counts.push(...new Array<number>(i - s.offset - s.counts.length + 1).fill(0));
  }
  s.counts[i - s.offset]! += n;
  // The low end gives way: the high percentiles (what an operator reads) stay exact to α.
  while (s.counts.length > MAX_SKETCH_BUCKETS) {
    const lowest = s.counts.shift()!;
    s.offset++;
    s.counts[0]! += lowest;
  }
}

/** Adds one value (ms) to the sketch, in place. */
export function addToSketch(s: LatencySketch, ms: number): void {
  if (!(ms > MIN_VALUE_MS)) s.zeros++;
  else addToBucket(s, sketchBucket(ms), 1);
}

/** A sketch of these values (ms). */
export function sketchOf(values: readonly number[]): LatencySketch {
  const s = emptySketch();
  for (const ms of values) addToSketch(s, ms);
  return s;
}

/** Many seconds' (or instances') sketches as one: the same as one sketch of all their values. */
export function mergeSketches(sketches: readonly (LatencySketch | undefined)[]): LatencySketch {
  const merged = emptySketch();
  for (const s of sketches) {
    if (!s) continue;
    merged.zeros += s.zeros;
    s.counts.forEach((n, k) => n > 0 && addToBucket(merged, s.offset + k, n));
  }
  return merged;
}

/**
 * The nearest-rank percentile (the server's definition) within RELATIVE_ACCURACY of the true one; null when
 * the sketch counts nothing.
 */
export function sketchPercentile(s: LatencySketch, p: number): number | null {
  const count = sketchCount(s);
  if (!count) return null;
  const wanted = nearestRank(p, count);
  if (wanted <= s.zeros) return 0;
  let seen = s.zeros;
  for (let k = 0; k < s.counts.length; k++) if ((seen += s.counts[k]!) >= wanted) return bucketValue(s.offset + k);
  return bucketValue(s.offset + s.counts.length - 1);
}
