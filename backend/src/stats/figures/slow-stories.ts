import { MAX_SLOW_STORIES, phasesOf, slowestStories, type StoryMoments, type StoryPhases } from '@storyflow/contracts';

/** The phases of each second's slowest stories, at most MAX_SLOW_STORIES: where the slow ones' time went, in bounded memory. */
export class SlowStoriesMeter {
  private slowest: StoryPhases[] = [];

  storyDone(story: StoryMoments): void {
    const phases = phasesOf(story);
    if (phases) this.slowest = slowestStories([this.slowest, [phases]]);
  }

  /** The slowest since the previous read, slowest first (undefined: none with known phases). */
  read(): StoryPhases[] | undefined {
    const slowest = this.slowest;
    this.slowest = [];
    return slowest.length ? slowest : undefined;
  }
}

/** Instances' (or seconds') slowest stories merge into the slowest of them all. */
export const mergeSlowStories = (seconds: readonly (StoryPhases[] | undefined)[]): StoryPhases[] | undefined => {
  const merged = slowestStories(seconds, MAX_SLOW_STORIES);
  return merged.length ? merged : undefined;
};
