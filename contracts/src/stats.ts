// zod/mini, and jitless set here rather than by importing './zod-setup' (whose `import { z } from
// 'zod'` keeps all of zod, every locale included, ≈450 kB): these schemas run in the stats Web
// Worker, loaded with the landing screen, where they cost ≈5 kB gzipped this way. Same setting, same
// reason: the CSP forbids eval, and zod's JIT probes `new Function` on the first parse unless jitless.
import * as z from 'zod/mini';

z.config({ jitless: true });

/**
 * Socket payloads. The server builds them (its types are inferred from these schemas); the
 * dashboard parses what it receives with the same schemas before using it. Unknown keys are
 * stripped rather than refused, so a server that adds a field does not break older dashboards.
 */

/** One second of statistics, as emitted on the `stats` event and kept in the history. */
export const StatsSampleSchema = z.object({
  /** Start of the second, epoch ms (aligned to a whole second). */
  t: z.number(),
  producedPerSec: z.number(),
  completedPerSec: z.number(),
  open: z.number(),
  completed: z.number(),
  poolSize: z.number(),
  busyWorkers: z.number(),
  backlogTasks: z.number(),
});
export type StatsSample = z.infer<typeof StatsSampleSchema>;

/** Sent once on connect (`stats:snapshot`) and by GET /api/stats. Oldest sample first. */
export const StatsSnapshotSchema = z.object({
  now: z.number(),
  history: z.array(StatsSampleSchema),
});
export type StatsSnapshot = z.infer<typeof StatsSnapshotSchema>;

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
