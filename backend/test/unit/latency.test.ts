import { describe, expect, it } from '@jest/globals';
import { LATENCY_BUCKETS_MS, latencyBucket, latencyOverRange, latencySecond, nearestRank, percentileOfSorted } from '@storyflow/contracts';
import { percentile } from '@storyflow/test-support';

describe('story latency figures', () => {
  it('a second: exact nearest-rank percentiles, and a count per bucket that adds up', () => {
    const values = Array.from({ length: 100 }, (_, i) => 20 + i / 10); // 20.0 … 29.9 ms
    const second = latencySecond(values)!;
    expect(second).toMatchObject({ count: 100, p50: 24.9, p95: 29.4, p99: 29.8 });
    expect(second.buckets).toHaveLength(LATENCY_BUCKETS_MS.length + 1);
    expect(second.buckets.reduce((a, b) => a + b, 0)).toBe(100);
    expect(second.buckets[latencyBucket(20)]).toBe(1); // ≤ 20 ms: just the first value
    expect(latencySecond([])).toBeUndefined();
  });

  it('puts a value in the first bucket whose bound holds it, and beyond the last in the overflow bucket', () => {
    expect([latencyBucket(5), latencyBucket(10), latencyBucket(10.5), latencyBucket(25), latencyBucket(99_999)]).toEqual([
      0,
      0,
      1,
      LATENCY_BUCKETS_MS.indexOf(25),
      LATENCY_BUCKETS_MS.length,
    ]);
  });

  it("a range: percentiles within 1 % from the seconds' sketches, or bucket bounds marked approximate", () => {
    const fast = latencySecond(Array.from({ length: 98 }, () => 21))!;
    const slow = latencySecond([300, 4000])!;
    // Within 1 % of the truth (21, 21, 300) from the seconds' sketches…
    expect(latencyOverRange([fast, undefined, slow])).toEqual({ count: 100, p50: 21.1, p95: 21.1, p99: 301.9 });
    // …and bucket bounds, said to be approximate, where a second carries none (an older instance's, or stored before).
    const { sketch: _sketch, ...olderSlow } = slow;
    expect(latencyOverRange([fast, olderSlow])).toEqual({ count: 100, p50: 21, p95: 21, p99: 500, approximate: true });
    expect(latencyOverRange([undefined])).toBeNull();
  });
});

describe('the percentile (nearest rank), one definition for the server, the bench and the tests', () => {
  const oneToHundred = Array.from({ length: 100 }, (_, i) => i + 1);

  it('is the smallest value with at least p% of the values at or below it', () => {
    expect([50, 95, 99, 100].map((p) => percentileOfSorted(oneToHundred, p))).toEqual([50, 95, 99, 100]);
    expect([0, 1, 7, 50.5].map((p) => percentileOfSorted(oneToHundred, p))).toEqual([1, 1, 7, 51]);
    const ten = oneToHundred.slice(0, 10);
    expect([10, 50, 90, 91, 95, 99].map((p) => percentileOfSorted(ten, p))).toEqual([1, 5, 9, 10, 10, 10]);
    expect(percentileOfSorted([42], 99)).toBe(42);
    expect(() => percentileOfSorted([], 50)).toThrow(RangeError);
  });

  it('ranks counts as it ranks values: the bucket-bound figures use the same rank', () => {
    expect([0, 1, 50, 95, 99, 100].map((p) => nearestRank(p, 20))).toEqual([1, 1, 10, 19, 20, 20]);
    const ms = [3, 1, 2, 5, 4, 8, 6, 7, 10, 9];
    expect(latencySecond(ms)).toMatchObject({ p50: nearestRank(50, 10), p95: nearestRank(95, 10), p99: nearestRank(99, 10) });
  });

  it("test-support's percentile (the bench's) is the same, over unsorted values; null for none", () => {
    const shuffled = [...oneToHundred].reverse();
    for (const p of [1, 50, 90, 95, 99, 100]) expect(percentile(shuffled, p)).toBe(percentileOfSorted(oneToHundred, p));
    expect(percentile([], 50)).toBeNull();
  });
});
