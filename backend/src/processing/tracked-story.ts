/** A story as the processor receives it: just persisted, or recovered at start. */
export interface StoryWork {
  id: string;
  /** Arrival time, epoch ms: the scheduler's FIFO order and aging start from it. */
  createdAt: number;
  tasks: { n: number; estimate: number; done: boolean }[];
  /** When its first task started, if it did before (recovered): a story's start is kept, not moved. */
  startedAt?: number | null;
}

/**
 * A story the processor holds while it is Open. Identity and tasks are fixed when taken on; each mutable field has one writer,
 * named first in its doc (FairQueue, WorkerPool, CompletionCommitter or Processor); the others only read it.
 */
export interface TrackedStory {
  readonly id: string;
  /** Arrival, epoch ms. */
  readonly createdAt: number;
  readonly taskCount: number;
  /** Arrival order, the tie-breaker of equal keys. */
  readonly seq: number;
  /** Open tasks to run, in order (task numbers and estimates side by side); `cursor` is the next one. */
  readonly taskNs: number[];
  readonly estimates: number[];
  /** Has a task longer than the short-task bound: such tasks may not take the pool's reserve. */
  readonly long: boolean;

  /** FairQueue: the next task to hand out. */
  cursor: number;
  /** FairQueue: the scheduling key (its deadline); smaller runs first. */
  key: number;

  /** WorkerPool: tasks running on workers now. */
  running: number;
  /** WorkerPool: when its first task started (epoch ms), null before. */
  startedAt: number | null;

  /** CompletionCommitter: Done tasks as stored in the database. */
  committedDone: number;
  /** CompletionCommitter: Done in memory, not yet committed (task numbers). */
  pending: number[];
  /** CompletionCommitter: Done tasks in a progress write now in flight. */
  inFlight: number;
  /** CompletionCommitter: when progress was last written (or the story taken on); progress writes are rate-limited. */
  lastWriteAt: number;
  /** CompletionCommitter: when its last task was done (epoch ms), null before, or when taken on with every task done. */
  ranUntil: number | null;
  /** CompletionCommitter: the completedAt its Done was stored with (epoch ms), null before. */
  completedAt: number | null;

  /** Processor: its insert is in flight; its tasks run, nothing of it is committed until it is stored. */
  storing: boolean;
  /** Processor: it left (deleted, disowned or committed): nothing more is run or committed for it. */
  removed: boolean;
}

export function trackStory(work: StoryWork, seq: number, now: number, shortTaskMs: number): TrackedStory {
  const taskNs: number[] = [];
  const estimates: number[] = [];
  let long = false;
  for (const t of work.tasks) {
    if (t.done) continue;
    taskNs.push(t.n);
    estimates.push(t.estimate);
    if (t.estimate > shortTaskMs) long = true;
  }
  return {
    id: work.id,
    createdAt: work.createdAt,
    taskCount: work.tasks.length,
    seq,
    taskNs,
    estimates,
    cursor: 0,
    key: work.createdAt,
    long,
    running: 0,
    startedAt: work.startedAt ?? null,
    committedDone: work.tasks.length - taskNs.length,
    pending: [],
    inFlight: 0,
    removed: false,
    storing: false,
    lastWriteAt: now,
    ranUntil: null,
    completedAt: null,
  };
}

export const doneInMemory = (s: TrackedStory) => s.committedDone + s.inFlight + s.pending.length;
export const isFinished = (s: TrackedStory) => doneInMemory(s) === s.taskCount;
