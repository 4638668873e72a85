/** What the processor needs from storage and statistics; the composition root passes the implementations. */

/** Progress of a story still running: the task numbers now done, and its committed done count after. */
export interface ProgressWrite {
  id: string;
  taskNumbers: number[];
  doneCount: number;
  /** When its first task started: the same value on every write, so rewriting it is idempotent. */
  startedAt: number | null;
}

/** A story whose last task is done, as its completion stores it (its moments, where the store keeps them per story). */
export interface FinishedStory {
  id: string;
  startedAt: number | null;
  ranUntil: number | null;
}

/** How many stories a completion turned Done, and whether a given one is among them (see completeStories). */
export type OnCompleted = (completed: number, ours: (id: string) => boolean) => void;

export interface CompletionStore {
  /** One write for many stories' progress; throws if it may not have been applied. */
  writeProgress(items: ProgressWrite[], now: Date): Promise<void>;
  /**
   * Turns the stories Done in one write, only those still Open or carrying `mark` (an earlier attempt of ours may have landed),
   * so each is counted once. `onStored(completed, ours)` runs before any other status change can touch them; `ours(id)` is
   * false for a story Done by another instance (a lease changed hands) or gone.
   */
  completeStories(stories: FinishedStory[], mark: string, now: Date, onStored: OnCompleted): Promise<void>;
}

export interface CompletionCounter {
  /** `stories` turned Done by our commit; `tasks`: the tasks of the stories in that commit. */
  storiesCompleted(stories: number, tasks: number): void;
}

/** A held story progressed, was committed Done by us (counted once), was found Done elsewhere (not counted), or left. */
export type StoryChange = 'progress' | 'done' | 'doneElsewhere' | 'removed';

/** The story a change is about, as the listener may read it at that moment (it is not kept: no copy per task). */
export interface ChangedStory {
  readonly id: string;
  readonly createdAt: number;
  readonly taskCount: number;
  readonly startedAt: number | null;
  /** When its last task was done (epoch ms); null before, or when it was taken on with every task done. */
  readonly ranUntil: number | null;
  /** On `done`: the completedAt stored with it (epoch ms), so its latency is the stored one; null before. */
  readonly completedAt: number | null;
}

/** An Open story's progress from the processor's memory (fresher than the stored one). */
export interface LiveProgress {
  taskCount: number;
  doneCount: number;
  runningTasks: number;
  running: number[];
  startedAt: number | null;
}
