/** A story as the processor receives it: just persisted, or recovered at start. */
export interface StoryWork {
  id: string;
  /** Arrival time, epoch ms: the scheduler's FIFO order and aging start from it. */
  createdAt: number;
  tasks: { n: number; estimate: number; done: boolean }[];
}

/** A story the processor owns in memory while it is Open. */
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
  cursor: number;
  /** Scheduling key (see FairQueue): smaller runs first. */
  key: number;
  /** Has a task longer than the short-task bound: such tasks may not take the pool's reserve. */
  readonly long: boolean;
  /** Tasks running on workers now. */
  running: number;
  /** When its first task started here (epoch ms), null before. */
  startedAt: number | null;
  /** A progress write stored `startedAt` (the in-memory server has no $min: write it once). */
  startedAtStored: boolean;
  /** Done tasks as stored in the database. */
  committedDone: number;
  /** Done in memory, not yet committed (task numbers). */
  pending: number[];
  /** Done tasks in a progress write now in flight. */
  inFlight: number;
  /** Deleted while Open: its waiting and running tasks are dropped, nothing more is committed. */
  removed: boolean;
  /**
   * Its insert is in flight: its tasks already run (the insert's round trip is not added to its latency),
   * but nothing of it is committed until it is stored.
   */
  storing: boolean;
  /** When progress was last written (or the story was taken on): progress writes are rate-limited. */
  lastWriteAt: number;
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
    startedAt: null,
    startedAtStored: false,
    committedDone: work.tasks.length - taskNs.length,
    pending: [],
    inFlight: 0,
    removed: false,
    storing: false,
    lastWriteAt: now,
  };
}

export const doneInMemory = (s: TrackedStory) => s.committedDone + s.inFlight + s.pending.length;
export const isFinished = (s: TrackedStory) => doneInMemory(s) === s.taskCount;
