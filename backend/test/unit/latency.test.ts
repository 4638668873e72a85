import { describe, expect, it } from '@jest/globals';
import { LATENCY_BUCKETS_MS, latencyBucket, latencyOverRange, latencySecond } from '@storyflow/contracts';

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

  it('a range: percentiles bounded by the buckets of all its seconds together', () => {
    const fast = latencySecond(Array.from({ length: 98 }, () => 21))!;
    const slow = latencySecond([300, 4000])!;
    expect(latencyOverRange([fast, undefined, slow])).toEqual({ count: 100, p50: 21, p95: 21, p99: 500 });
    expect(latencyOverRange([undefined])).toBeNull();
  });
});
