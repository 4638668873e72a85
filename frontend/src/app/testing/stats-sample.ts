import type { StatsSample } from '@storyflow/contracts/stats';

/** A sample of second `sec` (t in ms): a full pool of 20, nothing flowing, unless `over` says otherwise. */
export const statsSample = (sec: number, over: Partial<StatsSample> = {}): StatsSample => ({
  t: sec * 1000,
  producedPerSec: 0,
  completedPerSec: 0,
  open: 0,
  completed: 0,
  poolSize: 20,
  busyWorkers: 20,
  backlogTasks: 0,
  ...over,
});
