import type { InstanceFigures } from '@storyflow/contracts';
import type { InstanceSecond } from '../cluster/messages.js';
import { mergeStoryLatency } from './figures/story-latency.js';
import {
  assembleSecond,
  mergeSeconds,
  type AssembledSecond,
  type MeasuredSecond,
  type SecondFigures,
  type StoredTotals,
} from './second.js';

/** This instance's second as it reports it to the cluster (the Redis message; cluster/ adds its running totals). */
export function toInstanceReport({ t, figures }: MeasuredSecond): InstanceSecond {
  const { stories, pool, latency } = figures;
  return {
    t,
    producedPerSec: stories.produced,
    completedPerSec: stories.completed,
    removedPerSec: stories.removed,
    poolSize: pool.poolSize,
    busyWorkers: pool.busyWorkers,
    backlogTasks: pool.backlogTasks,
    paused: pool.paused,
    ...(latency ? { latencyBuckets: latency.buckets } : {}),
    ...(latency?.sketch ? { latencySketch: latency.sketch } : {}),
    ...(figures.slowStories ? { slowStories: figures.slowStories } : {}),
    tasksDonePerSec: figures.tasksDone,
    oldestOpenAgeSec: figures.oldestOpenAgeSec,
  };
}

/** An instance's reported second read back; its latencies as buckets and, from this version on, a sketch. */
export function fromInstanceReport(report: InstanceSecond): SecondFigures {
  return {
    stories: { produced: report.producedPerSec, completed: report.completedPerSec, removed: report.removedPerSec },
    tasksDone: report.tasksDonePerSec ?? 0,
    latency: report.latencyBuckets
      ? mergeStoryLatency([{ buckets: report.latencyBuckets, ...(report.latencySketch ? { sketch: report.latencySketch } : {}) }])
      : undefined,
    slowStories: report.slowStories,
    pool: { poolSize: report.poolSize, busyWorkers: report.busyWorkers, backlogTasks: report.backlogTasks, paused: report.paused },
    oldestOpenAgeSec: report.oldestOpenAgeSec ?? null,
  };
}

/** The cluster's second `t`: its instances' reports merged figure by figure, then assembled as one instance's is. */
export function assembleClusterSecond(second: {
  t: number;
  reports: readonly InstanceSecond[];
  stored: StoredTotals;
  instances: InstanceFigures[];
}): AssembledSecond {
  const { t, reports, stored, instances } = second;
  return assembleSecond({ t, figures: mergeSeconds(reports.map(fromInstanceReport)), stored, instances });
}
