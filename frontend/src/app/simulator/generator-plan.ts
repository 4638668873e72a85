/**
 * Pure part of the client-side generator: the random draws, the settings' validation and the rate
 * they allow. The random source is a parameter (`() => number` in [0, 1), like Math.random) so tests
 * are deterministic.
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

export type SettingsKey = keyof GeneratorSettings;
export type Bound = keyof Range;

/** The labels of the panel, also used in messages so they name what the user sees. */
export const SETTINGS_LABELS: Record<SettingsKey, string> = {
  intervalMs: 'Pause between stories (ms)',
  tasks: 'Tasks per story',
  estimateMs: 'Task estimate (ms)',
};

/** The original client's behaviour: a story every 50–100 ms, 20–80 tasks of 10–20 ms. */
export const DEFAULT_GENERATOR_SETTINGS: GeneratorSettings = {
  intervalMs: { min: 50, max: 100 },
  tasks: { min: 20, max: 80 },
  estimateMs: { min: 10, max: 20 },
};

/** Longest pause the panel accepts: a minute. */
export const MAX_INTERVAL_MS = 60_000;
/**
 * The generator wakes at most this often: the stories due meanwhile (pauses shorter than this) go out as one
 * batch, so the rate the pauses ask for is kept beyond what browser timers (4 ms at best) allow one by one.
 */
export const BATCH_TICK_MS = 20;
/** At most this many stories in one batch (the server takes up to 1,000). */
export const BATCH_MAX_STORIES = 100;
/** A schedule further behind than this (a throttled background tab) starts afresh rather than catching up at once. */
export const CATCH_UP_MS = 1000;

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

/**
 * Stories per second the pauses allow: one per mean drawn pause (short pauses go out in batches, so timers
 * do not bound it). An upper bound: round trips, a busy tab and the server's rate limit may deliver fewer.
 */
export function expectedRate(settings: GeneratorSettings): number {
  const { min, max } = settings.intervalMs;
  if (!Number.isFinite(min) || !Number.isFinite(max) || max < min || max <= 0) return 0;
  const mean = (Math.ceil(min) + Math.floor(max)) / 2;
  return mean > 0 ? 1000 / mean : 0;
}

/**
 * The stories due by `now` on a schedule whose next story is due at `dueAt` (at most `max` of them), and
 * when the one after them is due. Far behind (more than CATCH_UP_MS), the schedule restarts from now.
 */
export function storiesDue(
  random: RandomSource,
  settings: GeneratorSettings,
  dueAt: number,
  now: number,
  max: number,
): { count: number; nextDueAt: number } {
  let count = 0;
  let next = dueAt;
  while (next <= now && count < max) {
    count++;
    next += nextDelay(random, settings);
  }
  if (now - next > CATCH_UP_MS) next = now + nextDelay(random, settings);
  return { count, nextDueAt: next };
}

export interface SettingsIssue {
  key: SettingsKey;
  /** The input the message belongs to. */
  bound: Bound;
  message: string;
}

export interface SettingsLimits {
  minTasks: number;
  maxTasks: number;
  minEstimateMs: number;
  maxEstimateMs: number;
}

/** Problems with the settings, each on the input it belongs to; empty when valid. */
export function validateSettings(settings: GeneratorSettings, limits: SettingsLimits): SettingsIssue[] {
  const issues: SettingsIssue[] = [];
  const check = (key: SettingsKey, lo: number, hi: number) => {
    const label = SETTINGS_LABELS[key].replace(/ \(ms\)$/, '');
    const range = settings[key];
    let bad = false;
    for (const bound of ['min', 'max'] as const) {
      const value = range[bound];
      if (!Number.isFinite(value)) issues.push({ key, bound, message: `${label}, ${bound}: enter a number` });
      else if (!Number.isInteger(value)) issues.push({ key, bound, message: `${label}, ${bound}: enter a whole number` });
      else if (value < lo || value > hi) issues.push({ key, bound, message: `${label}, ${bound}: must be from ${lo} to ${hi}` });
      else continue;
      bad = true;
    }
    if (!bad && range.min > range.max) issues.push({ key, bound: 'max', message: `${label}: max must be at least min (${range.min})` });
  };
  check('intervalMs', 1, MAX_INTERVAL_MS);
  check('tasks', limits.minTasks, limits.maxTasks);
  check('estimateMs', limits.minEstimateMs, limits.maxEstimateMs);
  return issues;
}

/** Settings read back from storage: only a complete set of numbers, else null. */
export function parseStoredSettings(raw: string | null): GeneratorSettings | null {
  if (raw === null) return null;
  try {
    const value: unknown = JSON.parse(raw);
    const range = (r: unknown): Range | null =>
      typeof r === 'object' && r !== null && typeof (r as Range).min === 'number' && typeof (r as Range).max === 'number'
        ? { min: (r as Range).min, max: (r as Range).max }
        : null;
    if (typeof value !== 'object' || value === null) return null;
    const v = value as Record<SettingsKey, unknown>;
    const intervalMs = range(v.intervalMs);
    const tasks = range(v.tasks);
    const estimateMs = range(v.estimateMs);
    return intervalMs && tasks && estimateMs ? { intervalMs, tasks, estimateMs } : null;
  } catch {
    return null;
  }
}
