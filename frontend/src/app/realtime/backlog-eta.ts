import type { StatsSample } from '@storyflow/contracts/stats';

/** Seconds the drain rate and the backlog's trend are read over. */
export const ETA_WINDOW_SEC = 5;

export type BacklogState = 'none' | 'clears' | 'grows' | 'stalled';

export interface BacklogEta {
  state: BacklogState;
  /** When `clears`: seconds until the backlog is gone at the current completion rate. */
  seconds: number | null;
  /** Tasks completed per second over the window. */
  ratePerSec: number;
  /** Age of the oldest Open story, s (null: none). */
  oldestAgeSec: number | null;
}

/**
 * When the backlog clears at the current completion rate (tasks done per second over the last
 * ETA_WINDOW_SEC seconds), or that it grows (larger than a second before, while tasks complete: a
 * burst that has stopped arriving clears from the next second on), or that nothing completes.
 */
export function backlogEta(samples: readonly StatsSample[]): BacklogEta | null {
  const last = samples.at(-1);
  if (!last) return null;
  const window = samples.slice(-ETA_WINDOW_SEC);
  const ratePerSec = window.reduce((n, s) => n + (s.tasksDonePerSec ?? 0), 0) / window.length;
  const oldestAgeSec = last.oldestOpenAgeSec ?? null;
  const base = { ratePerSec, oldestAgeSec };
  if (last.backlogTasks === 0) return { ...base, state: 'none', seconds: null };
  if (ratePerSec <= 0) return { ...base, state: 'stalled', seconds: null };
  const previous = samples.at(-2);
  if (previous && last.backlogTasks > previous.backlogTasks) return { ...base, state: 'grows', seconds: null };
  return { ...base, state: 'clears', seconds: Math.ceil(last.backlogTasks / ratePerSec) };
}

/** "clears in ≈ 40 s", "grows", …: the operator's sentence for it. */
export function describeEta(eta: BacklogEta | null): string {
  if (!eta) return 'No figures yet.';
  const rate = `${Math.round(eta.ratePerSec).toLocaleString('en-US')} tasks/s`;
  switch (eta.state) {
    case 'none':
      return 'No backlog: every task has a worker.';
    case 'clears':
      return `The backlog clears in ≈ ${formatSeconds(eta.seconds!)} at the current ${rate}.`;
    case 'grows':
      return `The backlog grows: more arrives than the ${rate} completed.`;
    case 'stalled':
      return 'Nothing completes: the backlog waits (paused, or no worker free).';
  }
}

export function formatSeconds(sec: number): string {
  if (sec < 60) return `${Math.round(sec)} s`;
  if (sec < 3600) return `${Math.floor(sec / 60)} min ${Math.round(sec % 60)} s`;
  return `${Math.floor(sec / 3600)} h ${Math.round((sec % 3600) / 60)} min`;
}
