/** Time and timers as parameters, so pure modules and the pool are testable with a fake clock. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Source of uniform numbers in [0, 1). */
export type Random = () => number;

export const randomInt = (random: Random, min: number, max: number): number => min + Math.floor(random() * (max - min + 1));
