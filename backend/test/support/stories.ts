import { trackStory, type TrackedStory } from '../../src/processing/tracked-story.js';

let seq = 0;

/** A tracked story with the given task estimates (numbered from 1), none started, arrived at `createdAt`. */
export function makeStory(id: string, estimates: readonly number[], createdAt = 0, shortTaskMs = 250): TrackedStory {
  return trackStory({ id, createdAt, tasks: estimates.map((estimate, i) => ({ n: i + 1, estimate, done: false })) }, seq++, 0, shortTaskMs);
}
