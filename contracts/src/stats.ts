// zod/mini, and jitless set here rather than by importing './zod-setup' (whose `import { z } from
// 'zod'` keeps all of zod, every locale included, ≈450 kB): these schemas run in the stats Web
// Worker, loaded with the landing screen, where they cost ≈5 kB gzipped this way. Same setting, same
// reason: the CSP forbids eval, and zod's JIT probes `new Function` on the first parse unless jitless.
import * as z from 'zod/mini';
import { MAX_SLOW_STORIES } from './latency-blame.js';
import { MAX_SKETCH_BUCKETS } from './latency-sketch.js';
import { HISTORY_RANGE_NAMES, OBJECTIVE_NAMES } from './realtime.js';
import type { StoryProgressDto } from './story.js';

z.config({ jitless: true });

export * from './realtime.js';

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
  /** Processing is paused (operator): running tasks finish, no new ones start. */
  paused: z.optional(z.boolean()),
  /** In cluster mode, each instance's share of the figures above. */
  instances: z.optional(z.array(z.lazy(() => InstanceFiguresSchema))),
  /** Story latency of the stories stored Done in that second (absent: none). */
  latency: z.optional(z.lazy(() => LatencySecondSchema)),
  /**
   * The phases (waiting, running, committing; ms) of its slowest stories, slowest first, at most MAX_SLOW_STORIES: where the
   * slow ones' time went (see latencyBlame). Absent: no story with known phases finished.
   */
  slowStories: z.optional(z.array(z.tuple([z.number(), z.number(), z.number()])).check(z.maxLength(MAX_SLOW_STORIES))),
  /** Tasks run to the end in that second (the backlog's drain rate). */
  tasksDonePerSec: z.optional(z.number()),
  /** Age of the oldest Open story at the end of that second, s (null: none). */
  oldestOpenAgeSec: z.optional(z.nullable(z.number())),
  /** Objectives breached at the end of that second (absent or empty: none breached, or none set). */
  alerts: z.optional(z.array(z.lazy(() => AlertSchema))),
});
export type StatsSample = z.infer<typeof StatsSampleSchema>;

/** A breached objective, as the dashboard shows it on every screen (see ObjectiveState). */
export const AlertSchema = z.object({
  name: z.enum(OBJECTIVE_NAMES),
  target: z.number(),
  value: z.nullable(z.number()),
  since: z.number(),
  windowSec: z.number(),
});
export type AlertDto = z.infer<typeof AlertSchema>;

/**
 * One second's story latencies: how many, p50/p95/p99 in ms (exact), and the count per bucket of
 * LATENCY_BUCKETS_MS (one more for above the last), so that a range's percentiles come from their sum.
 */
export const LatencySecondSchema = z.object({
  count: z.number(),
  p50: z.number(),
  p95: z.number(),
  p99: z.number(),
  buckets: z.array(z.number()),
  /** The same stories in a relative-error sketch (see latency-sketch.ts): ranges and merges from it are within 1 %. */
  sketch: z.optional(
    z.object({ zeros: z.number(), offset: z.number(), counts: z.array(z.number()).check(z.maxLength(MAX_SKETCH_BUCKETS)) }),
  ),
});
export type LatencySecond = z.infer<typeof LatencySecondSchema>;

/** One instance of a cluster, as of its last heartbeat. */
export const InstanceFiguresSchema = z.object({
  id: z.string(),
  poolSize: z.number(),
  busyWorkers: z.number(),
  backlogTasks: z.number(),
  /** Its last heartbeat, epoch ms. */
  lastSeen: z.number(),
});
export type InstanceFigures = z.infer<typeof InstanceFiguresSchema>;

/** Sent once on connect (`stats:snapshot`) and by GET /api/stats. Oldest sample first. */
export const StatsSnapshotSchema = z.object({
  now: z.number(),
  history: z.array(StatsSampleSchema),
  /**
   * Since when the counters count (epoch ms): it changes when the server starts on an empty database
   * (e.g. a new in-memory one), which is why `completed` may fall; the dashboard says so.
   */
  countersSince: z.optional(z.number()),
  /** Cluster mode: the instance this connection is on (its socket's, which a REST call may not reach). */
  instanceId: z.optional(z.nullable(z.string())),
});
export type StatsSnapshot = z.infer<typeof StatsSnapshotSchema>;

/**
 * Oldest first. Each point covers `stepSec` seconds from `t`: rates are per-second averages over it,
 * the other figures its last second's. A bucket with no data (the server was down) is absent: a gap.
 */
export const StatsHistorySchema = z.object({
  range: z.enum(HISTORY_RANGE_NAMES),
  stepSec: z.number(),
  from: z.number(),
  to: z.number(),
  points: z.array(StatsSampleSchema),
});
export type StatsHistoryDto = z.infer<typeof StatsHistorySchema>;

/** Live changes of stories, once a second to every dashboard (the list's "N new stories" banner, filter counts). */
export const StoriesActivitySchema = z.object({
  t: z.number(),
  /** Stories created, completed and removed (deleted or purged) in that second. */
  created: z.number(),
  completed: z.number(),
  removed: z.number(),
  /** Stories stored now, by status. */
  counts: z.object({ Open: z.number(), Done: z.number() }),
});
export type StoriesActivity = z.infer<typeof StoriesActivitySchema>;

/**
 * Why the server is about to close this connection (`socket:error`, just before it does): e.g.
 * `too_many_events` when it kept sending far more events than its budget.
 */
export const SocketErrorSchema = z.object({ code: z.string(), message: z.string() });
export type SocketErrorDto = z.infer<typeof SocketErrorSchema>;

export interface ServerToClientEvents {
  'stats:snapshot': (snapshot: StatsSnapshot) => void;
  stats: (sample: StatsSample) => void;
  'stories:activity': (activity: StoriesActivity) => void;
  /** For watched stories only: on change (at most a few times a second each), and at once when watched. */
  'story:progress': (progress: StoryProgressDto) => void;
  /** Sent once before the server closes the connection for misbehaving. */
  'socket:error': (error: SocketErrorDto) => void;
}

export interface ClientToServerEvents {
  /** Replaces the stories this connection watches (≤ MAX_WATCHED_STORIES ids; extra or malformed ids are ignored). */
  'stories:watch': (ids: string[]) => void;
}
