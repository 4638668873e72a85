import { describe, expect, it } from '@jest/globals';
import {
  MAX_SKETCH_BUCKETS,
  RELATIVE_ACCURACY,
  addToSketch,
  emptySketch,
  mergeSketches,
  percentileOfSorted,
  sketchCount,
  sketchOf,
  sketchPercentile,
} from '@storyflow/contracts';
import { seededRandom } from '@storyflow/test-support';

const PERCENTILES = [50, 90, 95, 99, 99.9];

/** Every percentile of the sketch within the relative accuracy of the exact nearest-rank one. */
function expectWithinAccuracy(values: number[]): void {
  const sorted = [...values].sort((a, b) => a - b);
  const sketch = sketchOf(values);
  expect(sketchCount(sketch)).toBe(values.length);
  for (const p of PERCENTILES) {
    const exact = percentileOfSorted(sorted, p);
    const estimate = sketchPercentile(sketch, p)!;
    expect(Math.abs(estimate - exact) / exact).toBeLessThanOrEqual(RELATIVE_ACCURACY + 1e-9);
  }
}

describe('latency sketch (relative error, mergeable)', () => {
  it("stories of known duration read back within 1 %: 5,009 ms is about 5,009, not the 10,000 ms bucket's bound", () => {
    const values = [...new Array<number>(60).fill(300), ...new Array<number>(30).fill(1_234), ...new Array<number>(10).fill(5_009)];
    const sketch = sketchOf(values);
    expect(sketchPercentile(sketch, 50)! / 300).toBeCloseTo(1, 1);
    expect(Math.abs(sketchPercentile(sketch, 90)! - 1_234) / 1_234).toBeLessThanOrEqual(RELATIVE_ACCURACY);
    expect(Math.abs(sketchPercentile(sketch, 99)! - 5_009) / 5_009).toBeLessThanOrEqual(RELATIVE_ACCURACY);
  });

  it('holds the accuracy for uniform, long-tailed and two-humped latencies (seeded)', () => {
    const random = seededRandom(26);
    expectWithinAccuracy(Array.from({ length: 5_000 }, () => 10 + random() * 10));
    expectWithinAccuracy(Array.from({ length: 5_000 }, () => Math.exp(3 + 2 * (random() + random() + random() - 1.5))));
    expectWithinAccuracy(Array.from({ length: 5_000 }, () => (random() < 0.97 ? 20 + random() * 5 : 4_000 + random() * 2_000)));
  });

  it('merges seconds and instances exactly: the merge of parts is the sketch of the whole', () => {
    const random = seededRandom(7);
    const values = Array.from({ length: 3_000 }, (_, i) => (i % 100 === 0 ? 0 : 1 + random() * 60_000));
    const parts = [values.slice(0, 1_000), values.slice(1_000, 1_001), [], values.slice(1_001)].map(sketchOf);
    expect(mergeSketches([...parts, undefined])).toEqual(sketchOf(values));
    expect(sketchPercentile(mergeSketches([]), 99)).toBeNull();
  });

  it('counts a zero as zero, and keeps its size bounded whatever it is fed', () => {
    const sketch = emptySketch();
    addToSketch(sketch, 0);
    addToSketch(sketch, 0);
    addToSketch(sketch, 12);
    expect(sketchPercentile(sketch, 50)).toBe(0);
    expect(Math.abs(sketchPercentile(sketch, 99)! - 12) / 12).toBeLessThanOrEqual(RELATIVE_ACCURACY);
    // Past its bucket bound (2,048 buckets span 1e-3 to 1e15 ms), the lowest buckets fold; the high percentiles stay exact to 1 %.
    const values: number[] = [];
    for (let ms = 0.002; ms < 1e17; ms *= 1.005) values.push(ms);
    const wide = sketchOf(values);
    expect(wide.counts.length).toBeLessThanOrEqual(MAX_SKETCH_BUCKETS);
    for (const p of [99, 99.9]) {
      const exact = percentileOfSorted(values, p);
      expect(Math.abs(sketchPercentile(wide, p)! - exact) / exact).toBeLessThanOrEqual(RELATIVE_ACCURACY + 1e-9);
    }
  });
});
