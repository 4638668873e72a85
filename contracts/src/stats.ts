/** One second of statistics, as emitted on the `stats` event and kept in the history. */
export interface StatsSample {
  /** Start of the second, epoch ms (aligned to a whole second). */
  t: number;
  producedPerSec: number;
  completedPerSec: number;
  open: number;
  completed: number;
  poolSize: number;
  busyWorkers: number;
  backlogTasks: number;
}

/** Sent once on connect (`stats:snapshot`) and by GET /api/stats. Oldest sample first. */
export interface StatsSnapshot {
  now: number;
  history: StatsSample[];
}

export const SOCKET_EVENTS = {
  snapshot: 'stats:snapshot',
  stats: 'stats',
} as const;

export interface ServerToClientEvents {
  'stats:snapshot': (snapshot: StatsSnapshot) => void;
  stats: (sample: StatsSample) => void;
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ClientToServerEvents {}
