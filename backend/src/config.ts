import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { DEFAULT_STORY_LIMITS, type StoryLimits } from '@storyflow/contracts';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

const int = (def: number, min: number, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max).default(def);
const optionalInt = (min: number) => z.coerce.number().int().min(min).optional();
const bool = (def: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
    .default(def ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');
const token = z
  .string()
  .min(16, 'must be at least 16 characters (e.g. `openssl rand -hex 24`)')
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')
  .optional();
const list = (def: string) =>
  z
    .string()
    .default(def)
    .transform((v) =>
      v
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    );

/** Latency first: the pool starts waiting work within this many ms, so a story's tasks run side by side. */
export const DEFAULT_POOL_TARGET_WAIT_MS = 10;

/** Every setting, its default and its bounds; .env.example lists the same for operators. */
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
  /** Origins allowed to POST /api/jobs from a browser (the original client); `*` any; empty: same origin only. */
  LEGACY_CORS_ORIGINS: list(''),
  /** Origins besides the server's own that may open Socket.IO and /ws/status connections (browsers send Origin). */
  ALLOWED_ORIGINS: list(''),
  /** Without API_TOKEN, `Host` must name this server (DNS rebinding): IPs, localhost, HOST, and these (`.example.com`, `*`). */
  ALLOWED_HOSTS: list(''),
  /** Operator token: required for every mutation when set. */
  API_TOKEN: token,
  /** Viewer token: when set, reads and live feeds need it (or the operator token). */
  VIEW_TOKEN: token,
  /** Lets a server reachable from other machines run without API_TOKEN. */
  ALLOW_ANONYMOUS: bool(false),
  /** Which proxies may tell the client address (X-Forwarded-For): express `trust proxy` values. */
  TRUST_PROXY: list('loopback'),
  /** Mutations per second per client address, and the burst allowed above that rate; 0 turns it off. */
  RATE_LIMIT_PER_SEC: int(50, 0),
  RATE_LIMIT_BURST: int(200, 0),
  RATE_LIMIT_STORIES_PER_SEC: int(1000, 0),
  RATE_LIMIT_STORIES_BURST: int(2000, 0),
  /** Open Socket.IO + /ws/status connections per client address. */
  MAX_SOCKETS_PER_CLIENT: int(32, 1),
  /** Frames per second per Socket.IO connection, and the burst above that (excess dropped, a flood closed); 0 turns it off. */
  SOCKET_EVENTS_PER_SEC: int(20, 0),
  SOCKET_EVENTS_BURST: int(40, 1),
  /** Objective on the rolling p99 story latency, ms (0: none), over SLO_WINDOW_SECONDS. */
  SLO_STORY_P99_MS: int(0, 0),
  SLO_WINDOW_SECONDS: int(60, 1, 3600),
  /** Objective on the oldest Open story's age, s (0: none). */
  SLO_BACKLOG_AGE_SECONDS: int(0, 0),
  /** Breaches (firing, resolved) are POSTed here as JSON, Alertmanager's vocabulary (unset: not sent). */
  ALERT_WEBHOOK_URL: z
    .string()
    .regex(/^https?:\/\//, 'must be an http:// or https:// URL')
    .optional(),
  /** Cluster mode: several instances act as one, coordinated through this Redis (unset: one instance). */
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .optional(),
  /** Cluster mode: how long a story's ownership lasts without renewal; a dead instance's stories are resumed after it. */
  LEASE_MS: int(5000, 1000, 600_000),
  /** Cluster mode: this instance's name in leases and the per-instance figures (default: host name and pid). */
  INSTANCE_ID: z
    .string()
    .regex(/^[\w.-]{1,64}$/, 'must be 1–64 letters, digits, dots, dashes or underscores')
    .optional(),
  /** Admission control: Open tasks held at once (queued or running); above it POST answers 503. */
  MAX_OPEN_TASKS: int(105_000, 1),
  /** Admission control: Open stories held at once, per instance (many tiny stories cost memory too). */
  MAX_OPEN_STORIES: int(5_000, 1),
  MIN_TASKS: int(DEFAULT_STORY_LIMITS.minTasks, 1),
  MAX_TASKS: int(DEFAULT_STORY_LIMITS.maxTasks, 1, 100_000),
  ESTIMATE_MIN_MS: int(DEFAULT_STORY_LIMITS.minEstimateMs, 1),
  ESTIMATE_MAX_MS: int(DEFAULT_STORY_LIMITS.maxEstimateMs, 1),
  POOL_MIN: int(4, 1),
  POOL_MAX: int(1000, 1),
  /** Queueing delay the autoscaler aims for when sizing the pool. */
  POOL_TARGET_WAIT_MS: int(DEFAULT_POOL_TARGET_WAIT_MS, 1),
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
  /** Done tasks kept stored at most (oldest stories purged first); 0 = no bound. Default: 15,000 in the in-memory mode, else 0. */
  RETENTION_MAX_DONE_TASKS: optionalInt(0),
  /** Heap of the in-memory database (jongodb), MB: it holds every story in memory. */
  EMBEDDED_MEMORY_MB: int(192, 64, 65_536),
  HISTORY_SECONDS: int(60, 20, 3600),
  SHUTDOWN_TIMEOUT_MS: int(10_000, 100),
});

export type Config = ReturnType<typeof loadConfig>;

/** Rate limiting off (RATE_LIMIT_PER_SEC or RATE_LIMIT_BURST 0) is off for the stories too. */
function storyRateLimitOf(e: z.infer<typeof EnvSchema>) {
  const on = e.RATE_LIMIT_PER_SEC > 0 && e.RATE_LIMIT_BURST > 0;
  return on ? { perSec: e.RATE_LIMIT_STORIES_PER_SEC, burst: e.RATE_LIMIT_STORIES_BURST } : { perSec: 0, burst: 0 };
}

function parseEnv(env: NodeJS.ProcessEnv) {
  // A blank variable (as in a copied .env.example) means "use the default".
  const given = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const parsed = EnvSchema.safeParse(given);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/** Settings that are valid alone but not together. */
function conflicts(e: z.infer<typeof EnvSchema>): string[] {
  const problems: string[] = [];
  if (e.POOL_MIN > e.POOL_MAX) problems.push(`POOL_MIN (${e.POOL_MIN}) must not exceed POOL_MAX (${e.POOL_MAX})`);
  if (e.MIN_TASKS > e.MAX_TASKS) problems.push(`MIN_TASKS (${e.MIN_TASKS}) must not exceed MAX_TASKS (${e.MAX_TASKS})`);
  if (e.ESTIMATE_MIN_MS > e.ESTIMATE_MAX_MS)
    problems.push(`ESTIMATE_MIN_MS (${e.ESTIMATE_MIN_MS}) must not exceed ESTIMATE_MAX_MS (${e.ESTIMATE_MAX_MS})`);
  if (e.REDIS_URL && !e.MONGODB_URI) problems.push('REDIS_URL needs MONGODB_URI: the instances of a cluster share one database');
  if (e.VIEW_TOKEN && !e.API_TOKEN) problems.push('VIEW_TOKEN needs API_TOKEN: mutations must not be more open than reads');
  if (e.API_TOKEN && e.API_TOKEN === e.VIEW_TOKEN) problems.push('VIEW_TOKEN must differ from API_TOKEN');
  if (e.MAX_OPEN_TASKS < e.MAX_TASKS) problems.push(`MAX_OPEN_TASKS (${e.MAX_OPEN_TASKS}) must be at least MAX_TASKS (${e.MAX_TASKS})`);
  if (!e.API_TOKEN && !e.ALLOW_ANONYMOUS && !isLoopback(e.HOST))
    problems.push(
      `HOST=${e.HOST} makes the server reachable from other machines: set API_TOKEN (operator token for every mutation), ` +
        'or ALLOW_ANONYMOUS=true to run it open on purpose',
    );
  return problems;
}

/** Reads and validates the environment; throws one error listing every bad variable (fail fast at start). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const e = parseEnv(env);
  const problems = conflicts(e);
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
      memoryMb: e.EMBEDDED_MEMORY_MB,
    },
    staticDir: resolve(repoRoot, e.STATIC_DIR),
    bodyLimit: e.BODY_LIMIT,
    legacyCorsOrigins: e.LEGACY_CORS_ORIGINS,
    allowedOrigins: e.ALLOWED_ORIGINS,
    /** Names `Host` may carry; null: any (a token protects the server, see access/host-policy.ts). */
    allowedHosts: e.API_TOKEN ? null : [...e.ALLOWED_HOSTS, e.HOST],
    access: { apiToken: e.API_TOKEN, viewToken: e.VIEW_TOKEN },
    trustProxy: e.TRUST_PROXY,
    rateLimit: { perSec: e.RATE_LIMIT_PER_SEC, burst: e.RATE_LIMIT_BURST },
    storyRateLimit: storyRateLimitOf(e),
    maxSocketsPerClient: e.MAX_SOCKETS_PER_CLIENT,
    socketEvents: { perSec: e.SOCKET_EVENTS_PER_SEC, burst: e.SOCKET_EVENTS_BURST },
    objectives: { storyP99Ms: e.SLO_STORY_P99_MS, backlogAgeSec: e.SLO_BACKLOG_AGE_SECONDS, windowSec: e.SLO_WINDOW_SECONDS },
    alertWebhookUrl: e.ALERT_WEBHOOK_URL ?? null,
    maxOpenTasks: e.MAX_OPEN_TASKS,
    maxOpenStories: e.MAX_OPEN_STORIES,
    cluster: e.REDIS_URL
      ? { redisUrl: e.REDIS_URL, leaseMs: e.LEASE_MS, instanceId: e.INSTANCE_ID ?? `${hostname()}-${process.pid}` }
      : null,
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
    /** undefined: the database mode's default (db/storage-profile.ts). */
    retentionDoneSeconds: e.RETENTION_DONE_SECONDS,
    retentionSweepMs: e.RETENTION_SWEEP_MS,
    /** undefined: the database mode's default (db/storage-profile.ts). */
    retentionMaxDoneTasks: e.RETENTION_MAX_DONE_TASKS,
    historySeconds: e.HISTORY_SECONDS,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
  };
}

/** Whether HOST only accepts connections from this machine. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}
