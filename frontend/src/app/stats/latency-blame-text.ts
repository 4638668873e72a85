import { latencyBlame, slowestStories, type LatencyBlame, type Phase } from '@storyflow/contracts/latency-blame';
import type { StatsSample } from '@storyflow/contracts/stats';

/** What the slow stories were doing in each phase, as the screen says it. */
export const PHASE_WORDS: Record<Phase, string> = {
  waiting: 'waiting for a worker',
  running: 'running their tasks',
  committing: 'waiting for their commit (database)',
};

/** The blame of some seconds, and how many stories finished in them (what "1 %" is of). */
export interface RangeBlame {
  blame: LatencyBlame | null;
  count: number;
}

/** The seconds' slowest stories merged, of all the stories Done in them. */
export function rangeBlame(samples: readonly StatsSample[]): RangeBlame {
  const count = samples.reduce((sum, s) => sum + (s.latency?.count ?? 0), 0);
  return { blame: latencyBlame(slowestStories(samples.map((s) => s.slowStories)), count), count };
}

/**
 * Whom the sentence is about: the slowest 1 % when that is what the blame covers; otherwise (fewer than 100
 * stories, or more than the seconds keep phases of, or seconds without any) how many it is.
 */
function whom(stories: number, count: number): string {
  if (count >= 100 && stories === Math.ceil(count / 100)) return 'slowest 1 %';
  return stories === 1 ? 'slowest story' : `slowest ${stories} stories`;
}

/**
 * "slowest 1 %: 85 % waiting for a worker, pool at its limit of 20". The pool's part only where waiting
 * dominates and `poolLimit` (the pool's size when it is at its limit) is given. Null when nothing is known
 * (no phases, or phases of no length): the screen then claims nothing.
 */
export function blameText({ blame, count }: RangeBlame, poolLimit: number | null = null): string | null {
  if (!blame || blame.waitingMs + blame.runningMs + blame.committingMs <= 0) return null;
  const pool = blame.dominant === 'waiting' && poolLimit !== null ? `, pool at its limit of ${poolLimit.toLocaleString('en-US')}` : '';
  return `${whom(blame.stories, count)}: ${Math.round(blame.share * 100)} % ${PHASE_WORDS[blame.dominant]}${pool}`;
}

/**
 * The whole pool's size when the latest second found it at its limit (each instance's `poolMax`, times the
 * instances reporting), else null: slow stories that waited for a worker then waited for want of workers.
 */
export function poolAtLimit(latest: StatsSample | undefined, poolMax: number | null | undefined): number | null {
  if (!latest || !poolMax) return null;
  const limit = poolMax * (latest.instances?.length || 1);
  return latest.poolSize >= limit ? limit : null;
}

/**
 * Where the slow stories' time went, beside the latency card's two rows: the latest second with Done stories
 * (the one its percentiles are of) and the whole window.
 */
export function latencyBlameTexts(
  samples: readonly StatsSample[],
  poolMax: number | null | undefined,
): { second: string | null; window: string | null } {
  const limit = poolAtLimit(samples.at(-1), poolMax);
  const latest = [...samples].reverse().find((s) => s.latency);
  return {
    second: latest ? blameText(rangeBlame([latest]), limit) : null,
    window: blameText(rangeBlame(samples), limit),
  };
}
