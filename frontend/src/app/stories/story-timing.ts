import type { StoryStatus, TaskDto } from '@storyflow/contracts';
import type { BacklogEta } from '../realtime/backlog-eta';
import { formatElapsed } from './story-format';

/** The figures of a story that its timing depends on (a summary, or a summary updated by live progress). */
export interface StoryTimingInput {
  status: StoryStatus | 'Deleted';
  taskCount: number;
  doneCount: number;
  runningTasks: number;
  /** Sum of the task estimates, ms. */
  estimateMs: number;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
}

export interface StoryTiming {
  /** Since the first task started (to completion once Done); null before it starts. */
  elapsedMs: number | null;
  /** Time left at the pace so far; null when unknown (not started, nothing to go on) or Done. */
  etaMs: number | null;
  /** Waiting in the queue since creation, while no task has started. */
  waitingMs: number | null;
}

/** Below this much elapsed time the pace so far says little: use the tasks running now instead. */
const PACE_MIN_MS = 2000;

/**
 * Elapsed time and ETA. The ETA divides the work left by the pace so far (work done per elapsed
 * ms, i.e. how many workers the story has had on average); early on, by the tasks running now.
 * `tasks`, when known, gives the exact work left; otherwise it is the average estimate times the tasks left.
 */
export function storyTiming(story: StoryTimingInput, now: number, tasks?: readonly TaskDto[]): StoryTiming {
  const created = Date.parse(story.createdAt);
  const started = story.startedAt === null ? null : Date.parse(story.startedAt);
  const completed = story.completedAt === null ? null : Date.parse(story.completedAt);
  if (story.status === 'Done') {
    return { elapsedMs: started === null || completed === null ? null : Math.max(0, completed - started), etaMs: null, waitingMs: null };
  }
  if (started === null) return { elapsedMs: null, etaMs: null, waitingMs: Number.isNaN(created) ? null : Math.max(0, now - created) };
  const elapsedMs = Math.max(0, now - started);
  const left = story.taskCount - story.doneCount;
  const workLeft = tasks
    ? tasks.filter((t) => t.status !== 'Done').reduce((sum, t) => sum + t.estimate, 0)
    : story.taskCount > 0
      ? (story.estimateMs * left) / story.taskCount
      : 0;
  const workDone = story.estimateMs - workLeft;
  let etaMs: number | null = null;
  if (left <= 0) etaMs = 0;
  else if (elapsedMs >= PACE_MIN_MS && workDone > 0) etaMs = workLeft / (workDone / elapsedMs);
  else if (story.runningTasks > 0) etaMs = workLeft / story.runningTasks;
  return { elapsedMs, etaMs, waitingMs: null };
}

/**
 * A story that waits has no pace of its own yet; its tasks are in the backlog, so it is done at the
 * latest when the backlog has cleared at the current completion rate (stories that arrive after it
 * with an earlier deadline, small ones, could come first: hence "at most", and "≈").
 */
export function waitingEstimate(eta: BacklogEta | null): string {
  switch (eta?.state) {
    case 'clears':
      return `≈ ${formatElapsed(eta.seconds! * 1000)} at most: the backlog clears then, at the current ${Math.round(eta.ratePerSec).toLocaleString('en-US')} tasks/s`;
    case 'grows':
      return 'unknown yet: the backlog grows';
    case 'stalled':
      return 'unknown yet: nothing completes (processing paused?)';
    default:
      return 'unknown yet';
  }
}
