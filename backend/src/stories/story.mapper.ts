import type { StoryDto, StorySummaryDto } from '@storyflow/contracts';
import type { StoryDoc } from './story.model.js';

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);

export function toSummary(doc: StoryDoc): StorySummaryDto {
  const createdAt = new Date(doc.createdAt);
  const completedAt = doc.completedAt ? new Date(doc.completedAt) : null;
  return {
    id: doc._id.toHexString(),
    title: doc.title ?? null,
    externalRef: doc.externalRef ?? null,
    status: doc.status,
    taskCount: doc.taskCount,
    doneCount: doc.status === 'Done' ? doc.taskCount : doc.doneCount,
    estimateMs: doc.estimateMs,
    criticalPathMs: doc.criticalPathMs,
    createdAt: createdAt.toISOString(),
    completedAt: iso(completedAt),
    processingMs: completedAt ? completedAt.getTime() - createdAt.getTime() : null,
  };
}

export function toDto(doc: StoryDoc): StoryDto {
  return {
    ...toSummary(doc),
    tasks: doc.tasks.map((t) => ({ n: t.n, estimate: t.estimate, status: t.status, doneAt: iso(t.doneAt) })),
  };
}
