/**
 * Where a story's latency goes, from its stored timestamps: accepted (createdAt) → first task started
 * (startedAt: admission, the insert, the queue) → last task done (the tasks themselves: their longest
 * estimate, plus timer lateness and waiting for a worker) → Done stored (completedAt: the final commit).
 */
import type { StoryDto } from '@storyflow/contracts';
import { percentile } from '@storyflow/test-support';

const ms = (iso: string | null) => (iso === null ? NaN : Date.parse(iso));

export interface StoryPhases {
  toStart: number;
  /** Running time beyond the longest task's estimate (a story can never finish before it). */
  runOverFloor: number;
  commit: number;
  total: number;
  floor: number;
}

export function phasesOf(story: StoryDto): StoryPhases | null {
  const created = ms(story.createdAt);
  const started = ms(story.startedAt);
  const completed = ms(story.completedAt);
  const lastDone = Math.max(...story.tasks.map((t) => ms(t.doneAt)));
  const floor = Math.max(...story.tasks.map((t) => t.estimate));
  if (![created, started, completed, lastDone].every(Number.isFinite)) return null;
  return {
    toStart: started - created,
    runOverFloor: lastDone - started - floor,
    commit: completed - lastDone,
    total: completed - created,
    floor,
  };
}

/** p50 / p99 of each phase, ms. */
export function summarizePhases(all: StoryPhases[]) {
  const pick = (key: keyof StoryPhases) => {
    const values = all.map((p) => p[key]);
    return { p50: percentile(values, 50), p99: percentile(values, 99) };
  };
  return { of: all.length, toStart: pick('toStart'), runOverFloor: pick('runOverFloor'), commit: pick('commit'), total: pick('total') };
}
