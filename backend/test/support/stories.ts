import type { TrackedStory } from '../../src/processing/tracked-story.js';

/** A tracked story with the given task estimates, none started. */
export function makeStory(id: string, estimates: readonly number[]): TrackedStory {
  return {
    id,
    taskCount: estimates.length,
    queued: estimates.map((estimate, i) => ({ n: i + 1, estimate })),
    cursor: 0,
    committedDone: 0,
    pending: [],
    removed: false,
    lastWriteAt: 0,
  };
}
