// Where the slow stories' time went, pure and without zod (the dashboard computes a range's blame with these).

/**
 * A story's latency (accepted → stored Done) in its three phases, ms: waiting (accepted → its first task started), running (→ its
 * last task done), committing (→ its Done stored). They add up to the latency.
 */
export type StoryPhases = [waitingMs: number, runningMs: number, committingMs: number];

export const PHASES = ['waiting', 'running', 'committing'] as const;
export type Phase = (typeof PHASES)[number];

/** A second (or an instance) carries the phases of at most this many of its slowest stories: enough for the slowest 1 % of 1,000. */
export const MAX_SLOW_STORIES = 10;

const total = (p: StoryPhases): number => p[0] + p[1] + p[2];

/** When a story was accepted, started its first task, finished its last and was stored Done (epoch ms; null: not known). */
export interface StoryMoments {
  createdAt: number;
  startedAt: number | null;
  ranUntil: number | null;
  completedAt: number | null;
}

/** Its latency in phases, or null when a moment is not known (e.g. taken on after a restart with every task done). */
export function phasesOf(story: StoryMoments): StoryPhases | null {
  const { createdAt, startedAt, ranUntil, completedAt } = story;
  if (startedAt === null || ranUntil === null || completedAt === null) return null;
  return [startedAt - createdAt, ranUntil - startedAt, completedAt - ranUntil];
}

/** The slowest `max` of several seconds' (or instances') slowest stories, slowest first: what they would have kept together. */
export function slowestStories(lists: readonly (readonly StoryPhases[] | undefined)[], max = MAX_SLOW_STORIES): StoryPhases[] {
  const all = lists.flatMap((list) => list ?? []);
  return all.sort((a, b) => total(b) - total(a)).slice(0, max);
}

export interface LatencyBlame {
  /** How many stories it covers: the slowest 1 % of those Done (at least one, at most MAX_SLOW_STORIES). */
  stories: number;
  /** Their phases summed, ms. */
  waitingMs: number;
  runningMs: number;
  committingMs: number;
  /** The phase that took most of their time, and its share of it (0–1). */
  dominant: Phase;
  share: number;
}

/**
 * Where the slowest 1 % of `count` stories spent their time, from the slowest ones kept (slowest first): null when none is
 * known. `count` is every story Done in the range, with or without known phases.
 */
export function latencyBlame(slowest: readonly StoryPhases[], count: number): LatencyBlame | null {
  const covered = slowest.slice(0, Math.max(1, Math.min(MAX_SLOW_STORIES, Math.ceil(count / 100))));
  if (!covered.length) return null;
  const sums = [0, 1, 2].map((i) => covered.reduce((sum, p) => sum + p[i]!, 0)) as StoryPhases;
  const all = total(sums);
  const top = sums.indexOf(Math.max(...sums));
  return {
    stories: covered.length,
    waitingMs: sums[0],
    runningMs: sums[1],
    committingMs: sums[2],
    dominant: PHASES[top]!,
    share: all > 0 ? sums[top]! / all : 0,
  };
}
