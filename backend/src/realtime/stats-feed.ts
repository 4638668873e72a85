import type { StatsSample, StatsSnapshot, StoriesActivity } from '@storyflow/contracts';

/** What the live feeds read: a sample each second and the recent history (the sampler, or the cluster's view). */
export interface StatsFeed {
  onSample(listener: (sample: StatsSample) => void): () => void;
  onActivity(listener: (activity: StoriesActivity) => void): () => void;
  snapshot(): StatsSnapshot;
}
