import './zod-setup.js';
import * as z from 'zod';
import { HISTORY_RANGE_NAMES, OBJECTIVE_NAMES, type ObjectiveState } from './realtime.js';

/**
 * Response bodies of the system endpoints and the error body. Each type is inferred from its schema; the
 * server's OpenAPI document is generated from these schemas.
 */

export const API_ERROR_CODES = [
  'invalid_json',
  'validation_failed',
  'unsupported_media_type',
  'payload_too_large',
  'not_found',
  'method_not_allowed',
  'unauthorized',
  'forbidden',
  'rate_limited',
  'overloaded',
  'unavailable',
  'idempotency_key_reused',
  'purged',
  'internal',
] as const;
export const ApiErrorCodeSchema = z.enum(API_ERROR_CODES);
export type ApiErrorCode = z.infer<typeof ApiErrorCodeSchema>;

export const ApiErrorDetailSchema = z.object({
  /** Dotted path of the offending field, e.g. `tasks.3.estimate`; empty for the whole body. */
  path: z.string(),
  message: z.string(),
});
export type ApiErrorDetail = z.infer<typeof ApiErrorDetailSchema>;

/** Every error response: `{ "error": { code, message, details } }` with a 4xx/5xx status. */
export const ApiErrorBodySchema = z.object({
  error: z.object({
    code: ApiErrorCodeSchema,
    message: z.string(),
    details: z.array(ApiErrorDetailSchema),
  }),
});
export type ApiErrorBody = z.infer<typeof ApiErrorBodySchema>;

export const DbModeSchema = z.enum(['external', 'embedded-mongod', 'embedded-memory']);
export type DbMode = z.infer<typeof DbModeSchema>;

export const HealthDtoSchema = z.object({
  /**
   * `ok`: everything answers. `degraded`: it serves, but something is away that some requests need (e.g.
   * Redis: creates and pause are refused with 503, the rest is served). `unavailable`: it cannot serve
   * (the database is away, or it is stopping); the HTTP status is 503 then, 200 otherwise.
   */
  status: z.enum(['ok', 'degraded', 'unavailable']),
  /** What is wrong, a few words each (`database: unavailable`, `redis: unavailable`, `stopping`); empty when ok. */
  problems: z.array(z.string()),
  accepting: z.boolean(),
  db: z.object({ mode: DbModeSchema, state: z.enum(['connected', 'disconnected']), durable: z.boolean() }),
  /** Cluster mode: Redis as this instance sees it, and since when (epoch ms). */
  redis: z.object({ state: z.enum(['connected', 'unavailable']), since: z.number() }).optional(),
  /** The objectives set (SLO_*), each met or breached; empty when none is set. */
  slo: z
    .array(
      // The objectives' own type (realtime.ts, without zod): a field missing here fails to compile.
      z.object({
        name: z.enum(OBJECTIVE_NAMES),
        target: z.number(),
        value: z.number().nullable(),
        status: z.enum(['ok', 'firing']),
        since: z.number().nullable(),
        windowSec: z.number(),
      }) satisfies z.ZodType<ObjectiveState>,
    )
    .optional(),
  uptimeSec: z.number().nonnegative(),
});
export type HealthDto = z.infer<typeof HealthDtoSchema>;

/** GET /api/health/live: the process answers (it recovers from its dependencies' outages by itself). */
export const LivenessDtoSchema = z.object({ alive: z.literal(true), uptimeSec: z.number().nonnegative() });
export type LivenessDto = z.infer<typeof LivenessDtoSchema>;

/** GET /api/access: what the caller's token (or none) allows, so the dashboard can ask for one or hide controls. */
export const AccessDtoSchema = z.object({
  role: z.enum(['operator', 'viewer']),
  /** Reads and live feeds need a token (VIEW_TOKEN is set). */
  readsNeedToken: z.boolean(),
  /** Mutations need the operator token (API_TOKEN is set). */
  mutationsNeedToken: z.boolean(),
});
export type AccessDto = z.infer<typeof AccessDtoSchema>;

/** GET /api/info: what this server runs with, for the dashboard's explanations (retention, mode, pause). */
export const InfoDtoSchema = z.object({
  db: z.object({ mode: DbModeSchema, durable: z.boolean() }),
  retention: z.object({
    /** Done stories are removed this long after completion; 0: kept. */
    doneSeconds: z.number().nonnegative(),
    /** At most this many Done tasks stay stored (oldest stories go first); 0: no bound. */
    maxDoneTasks: z.number().int().nonnegative(),
  }),
  historySeconds: z.number().int().positive(),
  countersSince: z.number(),
  paused: z.boolean(),
  /** Each instance's worker pool bounds (POOL_MIN, POOL_MAX): a pool at its max makes stories wait for a worker. */
  pool: z.object({ min: z.number().int().positive(), max: z.number().int().positive() }),
  /** Set in cluster mode. */
  instanceId: z.string().nullable(),
});
export type InfoDto = z.infer<typeof InfoDtoSchema>;

/** GET /api/limits: the request limits this server validates with (`StoryLimits` in limits.ts is this type). */
export const StoryLimitsSchema = z.object({
  minTasks: z.number().int().positive(),
  maxTasks: z.number().int().positive(),
  minEstimateMs: z.number().int().positive(),
  maxEstimateMs: z.number().int().positive(),
  maxTitleLength: z.number().int().positive(),
});

/** GET /api/stats/history query. */
export const StatsHistoryQuerySchema = z.strictObject({
  range: z.enum(HISTORY_RANGE_NAMES, { error: `range must be one of ${HISTORY_RANGE_NAMES.join(', ')}` }).default('1m'),
});
