import type { StoryDto, StorySummaryDto, StoryTimingDto } from '@storyflow/contracts';
import type { LiveProgress } from '../processing/ports.js';
import type { StoryWork } from '../processing/tracked-story.js';
import type { StoryDoc } from './story.model.js';

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);

/** When its first task started: stored by progress writes, else derived from the tasks' done times. */
function startedAt(doc: StoryDoc, live: LiveProgress | null): Date | null {
  if (live?.startedAt != null) return new Date(live.startedAt);
  if (doc.startedAt) return new Date(doc.startedAt);
  let first = Infinity;
  for (const t of doc.tasks ?? []) if (t.doneAt) first = Math.min(first, new Date(t.doneAt).getTime() - t.estimate);
  return Number.isFinite(first) ? new Date(first) : null;
}

export function toSummary(doc: StoryDoc, live: LiveProgress | null = null): StorySummaryDto {
  const createdAt = new Date(doc.createdAt);
  const completedAt = doc.completedAt ? new Date(doc.completedAt) : null;
  const done = doc.status === 'Done';
  return {
    id: doc._id.toHexString(),
    title: doc.title ?? null,
    externalRef: doc.externalRef ?? null,
    status: doc.status,
    taskCount: doc.taskCount,
    doneCount: done ? doc.taskCount : Math.max(doc.doneCount, live?.doneCount ?? 0),
    estimateMs: doc.estimateMs,
    criticalPathMs: doc.criticalPathMs,
    createdAt: createdAt.toISOString(),
    startedAt: iso(startedAt(doc, live)),
    completedAt: iso(completedAt),
    processingMs: completedAt ? completedAt.getTime() - createdAt.getTime() : null,
    runningTasks: done ? 0 : (live?.runningTasks ?? 0),
  };
}

export function toDto(doc: StoryDoc, live: LiveProgress | null = null, timing: StoryTimingDto | null = null): StoryDto {
  return {
    ...toSummary(doc, live),
    timing: doc.status === 'Done' ? timing : null,
    tasks: doc.tasks.map((t) => ({ n: t.n, estimate: t.estimate, status: t.status, doneAt: iso(t.doneAt) })),
    running: doc.status === 'Done' ? [] : (live?.running ?? []),
  };
}

/** What the processor needs of a stored Open story: its id, arrival and tasks (done ones are not run again). */
export const toWork = (doc: StoryDoc): StoryWork => ({
  id: doc._id.toHexString(),
  createdAt: new Date(doc.createdAt).getTime(),
  tasks: doc.tasks.map((task) => ({ n: task.n, estimate: task.estimate, done: task.status === 'Done' })),
  startedAt: doc.startedAt ? new Date(doc.startedAt).getTime() : null,
});
