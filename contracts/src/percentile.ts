// The project's one percentile definition, pure (the dashboard, the server, the bench and the tests share it).

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
