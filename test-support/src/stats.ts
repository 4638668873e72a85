import { percentileOfSorted } from '@storyflow/contracts';

/** Nearest-rank percentile (p in 0–100) of `xs`, as the server computes it (contracts); null for no values. */
export function percentile(xs: readonly number[], p: number): number | null {
  if (xs.length === 0) return null;
  return percentileOfSorted(
    [...xs].sort((a, b) => a - b),
    p,
  );
}

export const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** `x` to `digits` decimals (a benchmark's printed figures); null stays null. */
export function round(x: number, digits?: number): number;
export function round(x: number | null, digits?: number): number | null;
export function round(x: number | null, digits = 1): number | null {
  return x === null ? null : Math.round(x * 10 ** digits) / 10 ** digits;
}
