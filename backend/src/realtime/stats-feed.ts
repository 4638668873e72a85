import type { StatsSample, StatsSnapshot, StoriesActivity } from '@storyflow/contracts';

/** What the live feeds read: a sample and an activity each second, and the recent history (stats/live-seconds.ts, alone or in a cluster). */
export interface StatsFeed {
  onSample(listener: (sample: StatsSample) => void): () => void;
  onActivity(listener: (activity: StoriesActivity) => void): () => void;
  snapshot(): StatsSnapshot;
}
