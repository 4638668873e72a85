import { describe, expect, it } from '@jest/globals';
import { LATENCY_BUCKETS_MS } from '@storyflow/contracts';
import { storyDurationBuckets } from '../../src/metrics/metrics.js';

describe('the story latency histogram on /metrics', () => {
  it("keeps the contract's bounds without an objective", () => {
    expect(storyDurationBuckets(0)).toEqual(LATENCY_BUCKETS_MS.map((ms) => ms / 1000));
  });

  it('is dense around the objective: bounds within 10 % on either side of a 6 s target', () => {
    const bounds = storyDurationBuckets(6_000);
    expect(bounds).toEqual([...bounds].sort((a, b) => a - b));
    expect(new Set(bounds).size).toBe(bounds.length);
    for (const s of [4.8, 5.4, 5.7, 6, 6.3, 6.6, 7.5]) expect(bounds).toContain(s);
    // The bucket that holds 6 s spans under 6 % of it: a p99 of 6.2 s is told from one of 5.8 s.
    const above = bounds.find((b) => b >= 6)!;
    const below = bounds.filter((b) => b < 6).at(-1)!;
    expect((above - below) / 6).toBeLessThan(0.06);
  });
});
