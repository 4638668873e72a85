/**
 * Pure part of the client-side generator: the random draws. The random source is a parameter
 * (`() => number` in [0, 1), like Math.random) so tests are deterministic.
 */
export type RandomSource = () => number;

export interface Range {
  min: number;
  max: number;
}

export interface GeneratorSettings {
  /** Pause between two stories, ms. */
  intervalMs: Range;
  /** Tasks per story. */
  tasks: Range;
  /** Estimate of one task, ms. */
  estimateMs: Range;
}

/** The original client's behaviour: a story every 50–100 ms, 20–80 tasks of 10–20 ms. */
export const DEFAULT_GENERATOR_SETTINGS: GeneratorSettings = {
  intervalMs: { min: 50, max: 100 },
  tasks: { min: 20, max: 80 },
  estimateMs: { min: 10, max: 20 },
};

/** Uniform integer in [min, max] (both inclusive). */
export function randomInt(random: RandomSource, range: Range): number {
  const lo = Math.ceil(Math.min(range.min, range.max));
  const hi = Math.floor(Math.max(range.min, range.max));
  const r = Math.min(Math.max(random(), 0), 1 - Number.EPSILON);
  return lo + Math.floor(r * (hi - lo + 1));
}

/** Delay before the next story, ms. */
export function nextDelay(random: RandomSource, settings: GeneratorSettings): number {
  return randomInt(random, settings.intervalMs);
}

/** One story body with an explicit task list. */
export function drawStory(
  random: RandomSource,
  settings: GeneratorSettings,
  title?: string,
): {
  title?: string;
  tasks: { estimate: number }[];
} {
  const count = randomInt(random, settings.tasks);
  const tasks = Array.from({ length: count }, () => ({ estimate: randomInt(random, settings.estimateMs) }));
  return title === undefined ? { tasks } : { title, tasks };
}

/** Average stories per second for the interval range (for display). */
export function expectedRate(settings: GeneratorSettings): number {
  const mean = (settings.intervalMs.min + settings.intervalMs.max) / 2;
  return mean > 0 ? 1000 / mean : 0;
}

/** Problems with the settings, keyed by field; empty when valid. */
export function validateSettings(
  settings: GeneratorSettings,
  limits: { minTasks: number; maxTasks: number; minEstimateMs: number; maxEstimateMs: number },
): string[] {
  const errors: string[] = [];
  const check = (name: string, r: Range, lo: number, hi: number) => {
    if (!Number.isInteger(r.min) || !Number.isInteger(r.max)) errors.push(`${name}: whole numbers only`);
    else if (r.min > r.max) errors.push(`${name}: min must not exceed max`);
    else if (r.min < lo || r.max > hi) errors.push(`${name}: must be between ${lo} and ${hi}`);
  };
  check('Interval', settings.intervalMs, 1, 60_000);
  check('Tasks', settings.tasks, limits.minTasks, limits.maxTasks);
  check('Task estimate', settings.estimateMs, limits.minEstimateMs, limits.maxEstimateMs);
  return errors;
}
