import type { StoryDoc } from '../stories/story.model.js';

export interface QueuedTask {
  n: number;
  estimate: number;
}

/** A story the processor owns in memory while it is Open. */
export interface TrackedStory {
  readonly id: string;
  readonly taskCount: number;
  /** Tasks not yet handed to a worker, in order; `cursor` is the next one. */
  readonly queued: QueuedTask[];
  cursor: number;
  /** Done tasks as stored in the database. */
  committedDone: number;
  /** Done in memory, not yet committed (task numbers). */
  pending: number[];
  /** Deleted while Open: in-flight tasks are ignored, nothing more is committed. */
  removed: boolean;
  /** When progress was last written (or the story was taken on): progress writes are rate-limited. */
  lastWriteAt: number;
}

export function trackStory(doc: StoryDoc, now: number): TrackedStory {
  const open = doc.tasks.filter((t) => t.status === 'Open').map((t) => ({ n: t.n, estimate: t.estimate }));
  return {
    id: doc._id.toHexString(),
    taskCount: doc.tasks.length,
    queued: open,
    cursor: 0,
    committedDone: doc.tasks.length - open.length,
    pending: [],
    removed: false,
    lastWriteAt: now,
  };
}

export const doneInMemory = (s: TrackedStory) => s.committedDone + s.pending.length;
