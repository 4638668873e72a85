import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { DEFAULT_STORY_LIMITS, type StoryLimits } from '@storyflow/contracts';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

const int = (def: number, min: number, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max).default(def);
const optionalInt = (min: number) => z.coerce.number().int().min(min).optional();

/** Every setting, its default and its bounds; README and .env.example list the same. */
const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** Loopback by default: exposing the API is a deliberate choice (docker compose sets 0.0.0.0). */
  HOST: z.string().default('127.0.0.1'),
  PORT: int(3000, 0, 65_535),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Unset: embedded database (see db/embedded.ts). */
  MONGODB_URI: z.string().startsWith('mongodb', 'must be a mongodb:// or mongodb+srv:// URI').optional(),
  MONGODB_DB: z.string().min(1).default('storyflow'),
  /** How long a database operation waits for an unreachable server before the request gets a 503. */
  DB_TIMEOUT_MS: int(10_000, 100),
  /** auto: real mongod if one can be had, else the in-memory server; or force either. */
  EMBEDDED_DB: z.enum(['auto', 'mongod', 'memory']).default('auto'),
  /** Relative paths are taken from the repository root. */
  DATA_DIR: z.string().default('data'),
  STATIC_DIR: z.string().default('frontend/dist/browser'),
  BODY_LIMIT: z.string().default('1mb'),
  /** Comma-separated origins allowed to POST /api/jobs from a browser (the original client); `*` for any. */
  LEGACY_CORS_ORIGINS: z.string().default('*'),
  MIN_TASKS: int(DEFAULT_STORY_LIMITS.minTasks, 1),
  MAX_TASKS: int(DEFAULT_STORY_LIMITS.maxTasks, 1, 100_000),
  ESTIMATE_MIN_MS: int(DEFAULT_STORY_LIMITS.minEstimateMs, 1),
  ESTIMATE_MAX_MS: int(DEFAULT_STORY_LIMITS.maxEstimateMs, 1),
  POOL_MIN: int(4, 1),
  POOL_MAX: int(1000, 1),
  /** Queueing delay the autoscaler aims for when sizing the pool. */
  POOL_TARGET_WAIT_MS: int(200, 10),
  /** How long demand must stay low before the pool shrinks. */
  POOL_SHRINK_COOLDOWN_MS: int(5000, 0),
  AUTOSCALE_INTERVAL_MS: int(250, 10),
  /** Group-commit interval of task completions. */
  FLUSH_INTERVAL_MS: int(200, 5),
  /** At most one progress write per story per interval (its final update is not delayed). */
  PROGRESS_WRITE_INTERVAL_MS: int(1000, 0),
  /** Done stories older than this are purged; 0 = keep forever. Default: 30 in the in-memory mode, else 0. */
  RETENTION_DONE_SECONDS: optionalInt(0),
  RETENTION_SWEEP_MS: int(5000, 100),
  HISTORY_SECONDS: int(60, 20, 3600),
  SHUTDOWN_TIMEOUT_MS: int(10_000, 100),
});

export type Config = ReturnType<typeof loadConfig>;

/** Reads and validates the environment; throws one error listing every bad variable (fail fast at start). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  // A blank variable (as in a copied .env.example) means "use the default".
  const given = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const parsed = EnvSchema.safeParse(given);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (e.POOL_MIN > e.POOL_MAX) problems.push(`POOL_MIN (${e.POOL_MIN}) must not exceed POOL_MAX (${e.POOL_MAX})`);
  if (e.MIN_TASKS > e.MAX_TASKS) problems.push(`MIN_TASKS (${e.MIN_TASKS}) must not exceed MAX_TASKS (${e.MAX_TASKS})`);
  if (e.ESTIMATE_MIN_MS > e.ESTIMATE_MAX_MS)
    problems.push(`ESTIMATE_MIN_MS (${e.ESTIMATE_MIN_MS}) must not exceed ESTIMATE_MAX_MS (${e.ESTIMATE_MAX_MS})`);
  if (problems.length) throw new Error(`Invalid configuration:\n  ${problems.join('\n  ')}`);

  const limits: StoryLimits = {
    ...DEFAULT_STORY_LIMITS,
    minTasks: e.MIN_TASKS,
    maxTasks: e.MAX_TASKS,
    minEstimateMs: e.ESTIMATE_MIN_MS,
    maxEstimateMs: e.ESTIMATE_MAX_MS,
  };
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    db: {
      uri: e.MONGODB_URI,
      dbName: e.MONGODB_DB,
      timeoutMs: e.DB_TIMEOUT_MS,
      embedded: e.EMBEDDED_DB,
      dataDir: resolve(repoRoot, e.DATA_DIR),
    },
    staticDir: resolve(repoRoot, e.STATIC_DIR),
    bodyLimit: e.BODY_LIMIT,
    legacyCorsOrigins: e.LEGACY_CORS_ORIGINS.split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    limits,
    pool: {
      min: e.POOL_MIN,
      max: e.POOL_MAX,
      targetWaitMs: e.POOL_TARGET_WAIT_MS,
      shrinkCooldownMs: e.POOL_SHRINK_COOLDOWN_MS,
      intervalMs: e.AUTOSCALE_INTERVAL_MS,
    },
    flushIntervalMs: e.FLUSH_INTERVAL_MS,
    progressWriteIntervalMs: e.PROGRESS_WRITE_INTERVAL_MS,
    /** undefined: decided by the database mode once it is known. */
    retentionDoneSeconds: e.RETENTION_DONE_SECONDS,
    retentionSweepMs: e.RETENTION_SWEEP_MS,
    historySeconds: e.HISTORY_SECONDS,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
  };
}

/** Offline in-memory mode: keep the collection small enough that its full-scan writes stay fast. */
export const MEMORY_MODE_RETENTION_SECONDS = 30;
