// The shape of a second between stats/ (which assembles it) and cluster/ (which carries the cluster's), neither
// importing the other.
import type { StatsSample, StoriesActivity } from '@storyflow/contracts';

/** A second as the dashboards receive it: the `stats` sample and the stories' `activity`. */
export interface AssembledSecond {
  sample: StatsSample;
  activity: StoriesActivity;
}

/** Stories stored at the end of a second: an instance's counter cache, or (a cluster) the database's counts. */
export interface StoredTotals {
  open: number;
  /** Completed ever (cumulative, removals included). */
  completed: number;
  storedDone: number;
}
