/**
 * Storyflow benchmark: starts the real server as a child process (default: the offline in-memory
 * database, as `npm start` on a machine without mongod) for each scenario, drives it over HTTP and
 * prints the figures as JSON, then as a Markdown table.
 *
 *   npm run bench                                    # every scenario (engine, reference, bursts, drain)
 *   npm run bench -- --scenarios=reference,burst     # some of them
 *   npm run bench -- --reference-sec=600             # a 10-minute reference soak
 *   npm run bench -- --bursts=1000 --drain=0
 *   npm run bench -- --scenarios=flood               # 1,000 maximum-size attempts: statuses, memory
 *   npm run bench -- --scenarios=growth              # 120,000 stories, retention off: the heap every 20,000
 *   npm run bench -- --backend=/path/to/other/backend/src/main.ts   # the same figures for another version
 *   npm run bench -- --node-arg=--cpu-prof --node-arg=--cpu-prof-dir=/tmp/prof   # node flags for the servers
 *   MONGODB_URI=mongodb://... npm run bench          # against a real MongoDB
 *
 * Scenarios:
 * - reference: the original client's load (a story every 50–100 ms, 20–80 tasks of 10–20 ms, seeded).
 *   Story latency is the server's own: createdAt (accepted) → completedAt (its Done commit), per story.
 * - burst N: N reference stories posted at once (64 clients, retrying 503/429 after their Retry-After as
 *   clients should: the embedded database takes only what it holds); tasks/s from the first POST to the last
 *   story committed Done (watched on the completion counter, /metrics). Each scenario runs on a fresh
 *   server after a short warm-up (V8 compiling the hot paths is not what is measured).
 * - drain N: like a burst, but more than admission control takes at once: the clients retry 503
 *   (Retry-After) as they should; reports errors (anything but 201 after retries) and peak memory.
 * - engine: the processing engine alone (no database, no HTTP), a million tasks (backend's bench:engine).
 * - cluster: a burst over 1, 2 and 3 instances in cluster mode (one jongodb, one Redis), posted to the
 *   instances in turn; tasks/s as for the bursts (the instances' completion counters summed).
 * - screens: gzipped JavaScript a fresh browser fetches before each screen's heading shows (bench/screens.ts).
 * - bullmq: the reference load and each burst on BullMQ flows over Redis (bench/bullmq.ts), same seeds.
 * - flood (not in the default list): 1,000 maximum-size attempts at once (--flood=N); statuses and memory.
 * - growth (not in the default list): --growth-stories (120,000) against an external database with retention
 *   off, as on MongoDB; the server's heap after a forced full collection every 20,000 (bench/growth.ts).
 */
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { io } from 'socket.io-client';
import { bullmqBurst, bullmqReference } from './bullmq.js';
import { growth } from './growth.js';
import { metrics, postOnce } from './http-client.js';
import { phasesOf, summarizePhases } from './phases.js';
import { screenWeights } from './screens.js';
import { usage, watchMemory } from './proc-usage.js';
import type { HealthDto, StatsSample, StoryDto, StoryLimits, StoryListDto } from '@storyflow/contracts';
import {
  freePort,
  percentile,
  referenceIntervalMs,
  referenceStory,
  round,
  seededRandom,
  sleep,
  startBackend,
  startDatabase,
  startRedis,
  uniqueDbName,
  type BackendProcess,
} from '@storyflow/test-support';

const { values: args } = parseArgs({
  options: {
    scenarios: { type: 'string', default: 'engine,screens,reference,burst,drain,cluster,bullmq' },
    cluster: { type: 'string', default: '1,2,3' },
    'cluster-stories': { type: 'string', default: '1000' },
    'reference-sec': { type: 'string', default: '20' },
    bursts: { type: 'string', default: '200,1000,2000' },
    drain: { type: 'string', default: '5000' },
    flood: { type: 'string', default: '1000' },
    'growth-stories': { type: 'string', default: '120000' },
    'growth-keep-all': { type: 'boolean', default: false },
    concurrency: { type: 'string', default: '64' },
    seed: { type: 'string', default: '20261127' },
    backend: { type: 'string' },
    env: { type: 'string', multiple: true, default: [] },
    'node-arg': { type: 'string', multiple: true, default: [] },
  },
});
const scenarios = new Set(args.scenarios.split(','));
const concurrency = Number(args.concurrency);
const seed = Number(args.seed);
/** Extra server settings, e.g. --env=POOL_TARGET_WAIT_MS=200 (to compare a setting). */
const extraEnv = Object.fromEntries(args.env.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));

const sumWhere = (m: Map<string, number> | null, test: (key: string) => boolean) => {
  let n = 0;
  for (const [k, v] of m ?? []) if (test(k)) n += v;
  return n;
};

/** Writes to stories per story: inserts and updates of the `stories` collection (commands, not statements). */
const storyWrites = (m: Map<string, number> | null) =>
  sumWhere(
    m,
    (k) => k.startsWith('storyflow_db_operations_total') && k.includes('collection="stories"') && /command="(insert|update)"/.test(k),
  );

/** Percentiles from a Prometheus histogram's bucket deltas: the bucket bound each percentile falls in. */
function histogramPercentiles(before: Map<string, number> | null, after: Map<string, number> | null, name: string) {
  if (!after) return null;
  const buckets = [...after]
    .filter(([k]) => k.startsWith(`${name}_bucket`))
    .map(([k, v]) => ({
      le: Number(/le="([^"]+)"/.exec(k)?.[1] === '+Inf' ? Infinity : /le="([^"]+)"/.exec(k)?.[1]),
      n: v - (before?.get(k) ?? 0),
    }))
    .sort((a, b) => a.le - b.le);
  const total = buckets.at(-1)?.n ?? 0;
  const at = (p: number) => buckets.find((b) => b.n >= (p / 100) * total)?.le ?? null;
  const ms = (s: number | null) => (s === null || !Number.isFinite(s) ? null : Math.round(s * 1000));
  return { p50: ms(at(50)), p95: ms(at(95)), p99: ms(at(99)), note: 'upper bound of the histogram bucket' };
}

interface PostOutcome {
  status: number;
  ms: number;
  retries: number;
  id?: string;
  tasks: number;
}

/** POSTs a story; retries 429/503 after their Retry-After (a well-behaved client), up to a bound. */
async function post(base: string, body: { tasks: { estimate: number }[] }, retry: boolean): Promise<PostOutcome> {
  const t0 = performance.now();
  const json = JSON.stringify(body);
  for (let retries = 0; ; retries++) {
    const res = await postOnce(base, json);
    if (res.status === 201)
      return { status: 201, ms: performance.now() - t0, retries, id: (JSON.parse(res.text) as StoryDto).id, tasks: body.tasks.length };
    if (!retry || (res.status !== 503 && res.status !== 429) || retries >= 600)
      return { status: res.status, ms: performance.now() - t0, retries, tasks: body.tasks.length };
    await sleep(Math.max(100, Number(res.retryAfter ?? '1') * 1000 * (0.5 + Math.random() / 2)));
  }
}

/** POST round trips (ms), p50 and p99. */
function postLatency(outcomes: PostOutcome[]) {
  const ms = outcomes.map((o) => o.ms);
  return { p50: round(percentile(ms, 50)), p99: round(percentile(ms, 99)) };
}

/** Resolves when the server has completed `target` stories (polling its completion counter), with the time. */
async function completedReached(base: string, target: number, timeoutMs: number): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    const m = await metrics(base, ['storyflow_stories_completed']);
    const done = m
      ? (m.get('storyflow_stories_completed') ?? 0)
      : // An older server without /metrics: nothing Open left (a database count).
        ((await (await fetch(`${base}/api/stories?status=Open&limit=1`)).json()) as StoryListDto).total === 0
        ? target
        : 0;
    if (done >= target) return performance.now();
    if (performance.now() - t0 > timeoutMs) throw new Error(`only ${done} of ${target} stories completed after ${timeoutMs} ms`);
    await sleep(m ? 5 : 25);
  }
}

/** Where the latency of the last stories went (bench/phases.ts), read before retention purges them. */
async function storyPhases(base: string, outcomes: PostOutcome[]) {
  const stories = await Promise.all(outcomes.map(async (o) => (await fetch(`${base}/api/stories/${o.id}`)).json() as Promise<StoryDto>));
  return summarizePhases(stories.filter((s) => Array.isArray(s.tasks)).flatMap((s) => phasesOf(s) ?? []));
}

async function withServer<T>(run: (server: BackendProcess, base: string) => Promise<T>): Promise<T> {
  const server = await startBackend({
    env: {
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      EMBEDDED_DB: process.env.EMBEDDED_DB ?? 'memory',
      RATE_LIMIT_PER_SEC: '0',
      ...extraEnv,
    },
    echo: true,
    ...(args.backend ? { main: args.backend } : {}),
    nodeArgs: args['node-arg'],
  });
  try {
    return await run(server, server.url);
  } finally {
    await server.stop();
  }
}

async function reference(seconds: number) {
  return withServer(async (server, base) => {
    const pid = server.child.pid!;
    const random = seededRandom(seed);
    const samples: StatsSample[] = [];
    const socket = io(base, { transports: ['websocket'] });
    socket.on('stats', (s: StatsSample) => samples.push(s));
    // Warm-up: 5 s of the same load first (V8 compiles the hot paths), not measured.
    const warm = seededRandom(seed - 1);
    for (const end = performance.now() + 5000; performance.now() < end;) {
      void post(base, referenceStory(warm), false);
      await sleep(referenceIntervalMs(warm));
    }
    await sleep(2000);
    const startCompleted = (await metrics(base, ['storyflow_stories_completed']))?.get('storyflow_stories_completed') ?? 0;
    const referenceSeries = ['storyflow_db_operations_total', 'storyflow_story_duration_seconds'];
    const m0 = await metrics(base, referenceSeries);
    const u0 = usage(pid);
    const memory = watchMemory(pid);
    const t0 = performance.now();
    const outcomes: Promise<PostOutcome>[] = [];
    while (performance.now() - t0 < seconds * 1000) {
      outcomes.push(post(base, referenceStory(random), false));
      await sleep(referenceIntervalMs(random));
    }
    const posted = await Promise.all(outcomes);
    const accepted = posted.filter((o) => o.status === 201);
    await completedReached(base, startCompleted + accepted.length, 60_000);
    const wallSec = (performance.now() - t0) / 1000;
    const u1 = usage(pid);
    const m1 = await metrics(base, referenceSeries);
    const phases = await storyPhases(base, accepted.slice(-100));
    const peak = memory();
    // Exact latencies, from the stored timestamps (read before retention may purge them).
    const wanted = new Set(accepted.map((o) => o.id!));
    const latencies: number[] = [];
    for (let page = 1; wanted.size && page <= 200; page++) {
      const list = (await (await fetch(`${base}/api/stories?status=Done&limit=100&page=${page}`)).json()) as StoryListDto;
      if (!list.items.length) break;
      for (const s of list.items) if (wanted.delete(s.id) && s.processingMs !== null) latencies.push(s.processingMs);
    }
    const duringLoad = samples.filter((s) => s.t >= Date.now() - wallSec * 1000);
    // Idle: the pool goes back to its minimum after the cool-down.
    const idleFrom = performance.now();
    let shrunkAfterSec: number | null = null;
    while (performance.now() - idleFrom < 30_000) {
      const last = samples.at(-1);
      if (last && last.poolSize <= 4 && last.t > Date.now() - 2000) {
        shrunkAfterSec = round((performance.now() - idleFrom) / 1000);
        break;
      }
      await sleep(250);
    }
    socket.close();
    const pool = duringLoad.map((s) => s.poolSize);
    return {
      seconds,
      posted: posted.length,
      accepted: accepted.length,
      storiesPerSec: round(accepted.length / seconds),
      storyLatencyMs: {
        p50: percentile(latencies, 50),
        p95: percentile(latencies, 95),
        p99: percentile(latencies, 99),
        of: latencies.length,
      },
      postLatencyMs: postLatency(posted),
      serverCpuCores: round((u1.cpuSec - u0.cpuSec) / wallSec, 3),
      databaseCpuCores: round((u1.dbCpuSec - u0.dbCpuSec) / wallSec, 3),
      poolSize: pool.length ? { mean: round(pool.reduce((a, b) => a + b, 0) / pool.length), max: Math.max(...pool) } : null,
      poolBackAtMinAfterIdleSec: shrunkAfterSec,
      // Up to the Done write's acknowledgement (the stored timestamps stop when it is sent), by histogram bucket.
      storyLatencyStoredMs: histogramPercentiles(m0, m1, 'storyflow_story_duration_seconds'),
      phasesMs: phases,
      storyWritesPerStory: m0 ? round((storyWrites(m1) - storyWrites(m0)) / accepted.length, 2) : null,
      memoryMb: peak,
    };
  });
}

async function burst(stories: number, retry: boolean) {
  return withServer(async (server, base) => {
    const pid = server.child.pid!;
    const random = seededRandom(seed + stories);
    const bodies = Array.from({ length: stories }, () => referenceStory(random));
    const tasks = bodies.reduce((n, b) => n + b.tasks.length, 0);
    let maxPool = 0;
    const socket = io(base, { transports: ['websocket'] });
    // Warm-up: a hundred stories first, so the burst measures the server, not V8 compiling it.
    const warm = seededRandom(seed - 1);
    await Promise.all(Array.from({ length: 100 }, () => post(base, referenceStory(warm), true)));
    await completedReached(base, 100, 60_000);
    await sleep(1500);
    socket.on('stats', (s: StatsSample) => (maxPool = Math.max(maxPool, s.poolSize)));
    const names = ['storyflow_stories_completed', 'storyflow_db_operations_total', 'storyflow_story_duration_seconds'];
    const m0 = await metrics(base, names);
    const startCompleted = m0?.get('storyflow_stories_completed') ?? 0;
    const u0 = usage(pid);
    const memory = watchMemory(pid);
    const t0 = performance.now();
    let next = 0;
    const outcomes: PostOutcome[] = [];
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < bodies.length) outcomes.push(await post(base, bodies[next++]!, retry));
      }),
    );
    const postedAt = performance.now();
    const accepted = outcomes.filter((o) => o.status === 201);
    const end = await completedReached(base, startCompleted + accepted.length, 600_000);
    const u1 = usage(pid);
    const m1 = await metrics(base, names);
    const peak = memory();
    socket.close();
    const acceptedTasks = accepted.reduce((n, o) => n + o.tasks, 0);
    const seconds = (end - t0) / 1000;
    return {
      stories,
      tasks,
      accepted: accepted.length,
      errors: outcomes.length - accepted.length,
      retried503or429: outcomes.reduce((n, o) => n + o.retries, 0),
      postAllMs: Math.round(postedAt - t0),
      allDoneMs: Math.round(end - t0),
      tasksPerSec: Math.round(acceptedTasks / seconds),
      storyLatencyMs: histogramPercentiles(m0, m1, 'storyflow_story_duration_seconds'),
      postLatencyMs: postLatency(outcomes),
      serverCpuCores: round((u1.cpuSec - u0.cpuSec) / seconds, 2),
      databaseCpuCores: round((u1.dbCpuSec - u0.dbCpuSec) / seconds, 2),
      maxPoolSize: maxPool,
      storyWritesPerStory: m0 ? round((storyWrites(m1) - storyWrites(m0)) / accepted.length, 3) : null,
      memoryMb: peak,
    };
  });
}

/** A burst over `n` instances in cluster mode (a fresh database: their completion counters start at 0). */
async function clusterBurst(n: number, stories: number) {
  const db = await startDatabase();
  const redis = await startRedis();
  const port = await freePort();
  const instances: BackendProcess[] = [];
  try {
    const env = {
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      MONGODB_URI: db.uri,
      MONGODB_DB: uniqueDbName('bench'),
      REDIS_URL: redis.url,
      RATE_LIMIT_PER_SEC: '0',
      ...extraEnv,
    };
    for (let i = 0; i < n; i++)
      instances.push(
        await startBackend({
          env: { ...env, INSTANCE_ID: `i${i}` },
          host: `127.0.0.${i + 2}`,
          port,
          echo: true,
          ...(args.backend ? { main: args.backend } : {}),
          nodeArgs: args['node-arg'],
        }),
      );
    const random = seededRandom(seed + stories);
    const bodies = Array.from({ length: stories }, () => referenceStory(random));
    const tasks = bodies.reduce((sum, b) => sum + b.tasks.length, 0);
    await sleep(1500);
    const completed = async () => {
      let sum = 0;
      for (const p of instances) sum += (await metrics(p.url, ['storyflow_stories_completed']))?.get('storyflow_stories_completed') ?? 0;
      return sum;
    };
    const t0 = performance.now();
    let next = 0;
    const outcomes: PostOutcome[] = [];
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < bodies.length) {
          const i = next++;
          outcomes.push(await post(instances[i % n]!.url, bodies[i]!, true));
        }
      }),
    );
    const accepted = outcomes.filter((o) => o.status === 201).length;
    for (;;) {
      if ((await completed()) >= accepted) break;
      if (performance.now() - t0 > 600_000) throw new Error('cluster burst did not drain');
      await sleep(10);
    }
    const seconds = (performance.now() - t0) / 1000;
    return { instances: n, stories, tasks, accepted, allDoneMs: Math.round(seconds * 1000), tasksPerSec: Math.round(tasks / seconds) };
  } finally {
    for (const p of instances) await p.stop().catch(() => undefined);
    await redis.stop();
    await db.stop();
  }
}

/**
 * flood: N maximum-size attempts (1,000 tasks of 60 s and a 200-character title each) from 64 clients at
 * once, no retries: statuses by code, and the server's and database's memory at the peak and once they
 * are all answered (admission control is what bounds it).
 */
async function flood(attempts: number) {
  return withServer(async (server, base) => {
    const pid = server.child.pid!;
    const { maxTasks, maxEstimateMs, maxTitleLength } = (await (await fetch(`${base}/api/limits`)).json()) as StoryLimits;
    const body = { title: 'x'.repeat(maxTitleLength), tasks: Array.from({ length: maxTasks }, () => ({ estimate: maxEstimateMs })) };
    const before = usage(pid);
    const memory = watchMemory(pid);
    let next = 0;
    const byStatus: Record<string, number> = {};
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next++ < attempts) {
          const o = await post(base, body, false);
          byStatus[o.status] = (byStatus[o.status] ?? 0) + 1;
        }
      }),
    );
    await sleep(2000);
    const after = usage(pid);
    const peak = memory();
    const health = await fetch(`${base}/api/health`);
    // prom-client reads the heap figures when it collects the total: ask for that one first.
    const heap = await metrics(base, [
      'storyflow_nodejs_heap_size_total_bytes',
      'storyflow_nodejs_heap_size_used_bytes',
      'storyflow_nodejs_external_memory_bytes',
    ]);
    const mb = (name: string) => Math.round((heap?.get(name) ?? 0) / 2 ** 20);
    return {
      attempts,
      byStatus,
      rssBeforeMb: Math.round(before.rssMb + before.dbRssMb),
      rssAfterMb: { server: Math.round(after.rssMb), database: Math.round(after.dbRssMb), total: Math.round(after.rssMb + after.dbRssMb) },
      peakMb: peak,
      serverHeapMb: {
        used: mb('storyflow_nodejs_heap_size_used_bytes'),
        total: mb('storyflow_nodejs_heap_size_total_bytes'),
        external: mb('storyflow_nodejs_external_memory_bytes'),
      },
      healthAfter: health.status,
    };
  });
}

/** The same reference load and bursts on BullMQ flows (bench/bullmq.ts), in the same run. */
async function bullmq() {
  const bursts: Record<string, unknown> = {};
  for (const n of args.bursts.split(',').map(Number).filter(Boolean)) bursts[n] = await bullmqBurst(n, seed, concurrency);
  return { reference: await bullmqReference(Number(args['reference-sec']), seed), bursts };
}

function engine() {
  const out = execFileSync('npm', ['run', '--silent', 'bench:engine', '-w', 'backend'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return (JSON.parse(out) as { engine: unknown }).engine;
}

async function main() {
  const result: Record<string, unknown> = { node: process.version, concurrency, seed };
  if (scenarios.has('engine')) result.engine = engine();
  const health = await withServer(async (_s, base) => (await (await fetch(`${base}/api/health`)).json()) as HealthDto);
  result.dbMode = health.db.mode;
  if (scenarios.has('screens')) result.screens = await withServer((_s, base) => screenWeights(base));
  if (scenarios.has('reference')) result.reference = await reference(Number(args['reference-sec']));
  if (scenarios.has('burst')) {
    const bursts: Record<string, unknown> = {};
    for (const n of args.bursts.split(',').map(Number).filter(Boolean)) bursts[n] = await burst(n, true);
    result.bursts = bursts;
  }
  const drain = Number(args.drain);
  if (scenarios.has('drain') && drain > 0) result.drain = await burst(drain, true);
  if (scenarios.has('cluster')) {
    const runs = [];
    for (const n of args.cluster.split(',').map(Number).filter(Boolean)) runs.push(await clusterBurst(n, Number(args['cluster-stories'])));
    result.cluster = runs;
  }
  if (scenarios.has('flood')) result.flood = await flood(Number(args['flood']));
  if (scenarios.has('growth'))
    result.growth = await growth({
      stories: Number(args['growth-stories']),
      step: 20_000,
      concurrency,
      seed,
      keepAll: args['growth-keep-all'],
      env: extraEnv,
      ...(args.backend ? { backend: args.backend } : {}),
    });
  if (scenarios.has('bullmq')) result.bullmq = await bullmq();
  console.log(JSON.stringify(result, null, 2));
  console.log(markdown(result));
}

/** The figures side by side, for the README. */
function markdown(r: Record<string, unknown>): string {
  type Row = Record<string, unknown> & {
    storyLatencyMs?: { p50: number | null; p95: number | null; p99: number | null } | null;
    postLatencyMs?: { p50: number | null; p99: number | null };
    memoryMb?: { peakMb: number };
  };
  const lat = (row: Row) =>
    row.storyLatencyMs ? `${row.storyLatencyMs.p50} / ${row.storyLatencyMs.p95} / ${row.storyLatencyMs.p99}` : 'n/a';
  const lines = [
    '| run | stories | tasks/s | story latency p50 / p95 / p99 (ms) | server CPU (cores) | peak RSS server + DB (MB) | story writes / story | POST p50 / p99 (ms) | errors |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  const add = (name: string, row: Row, stories: unknown, tasksPerSec: unknown) =>
    lines.push(
      `| ${name} | ${String(stories)} | ${String(tasksPerSec ?? '')} | ${lat(row)} | ${String(row.serverCpuCores)} | ${row.memoryMb?.peakMb ?? ''} | ${String(row.storyWritesPerStory ?? 'n/a')} | ${row.postLatencyMs ? `${row.postLatencyMs.p50} / ${row.postLatencyMs.p99}` : 'n/a'} | ${String(row.errors ?? 0)} |`,
    );
  const ref = r.reference as Row | undefined;
  if (ref) add(`reference load, ${String(ref.seconds)} s`, ref, ref.accepted, '');
  for (const [n, row] of Object.entries((r.bursts ?? {}) as Record<string, Row>)) add(`burst of ${n}`, row, row.accepted, row.tasksPerSec);
  const drain = r.drain as Row | undefined;
  if (drain) add(`drain of ${String(drain.stories)} (retries 503)`, drain, drain.accepted, drain.tasksPerSec);
  const e = r.engine as { tasks: number; tasksPerSec: number; ofCeiling: number } | undefined;
  if (e)
    lines.push(
      `| engine only, ${e.tasks} tasks | | ${e.tasksPerSec} (${Math.round(e.ofCeiling * 100)} % of POOL_MAX ÷ mean task) | | | | | | |`,
    );
  for (const [screen, w] of Object.entries((r.screens ?? {}) as Record<string, { jsGzipKb: number; files: string[] }>))
    lines.push(`| ${screen}: gzipped JavaScript before its heading shows | | | ${w.jsGzipKb} KB in ${w.files.length} files | | | | | |`);
  const bull = r.bullmq as { reference: Row; bursts: Record<string, Row> } | undefined;
  if (bull) {
    add(`BullMQ: reference load, ${String(bull.reference.seconds)} s`, bull.reference, bull.reference.stories, '');
    for (const [n, row] of Object.entries(bull.bursts)) add(`BullMQ: burst of ${n}`, row, row.stories, row.tasksPerSec);
    lines.push('', ...comparison(r, bull), '');
  }
  for (const c of (r.cluster ?? []) as { instances: number; stories: number; tasksPerSec: number }[])
    lines.push(
      `| cluster of ${c.instances} instances, burst of ${c.stories} (one jongodb, one Redis) | ${c.stories} | ${c.tasksPerSec} | | | | | | |`,
    );
  return lines.join('\n');
}

/** Storyflow ÷ BullMQ, where both ran: the burst throughput ratios, and the reference load side by side. */
function comparison(
  r: Record<string, unknown>,
  bull: { reference: Record<string, unknown>; bursts: Record<string, Record<string, unknown>> },
) {
  const out: string[] = [];
  const ours = (r.bursts ?? {}) as Record<string, { tasksPerSec: number }>;
  for (const [n, row] of Object.entries(bull.bursts))
    if (ours[n])
      out.push(
        `Burst of ${n}: Storyflow ${ours[n].tasksPerSec} tasks/s = ${round(ours[n].tasksPerSec / Number(row.tasksPerSec), 2)}× BullMQ's ${String(row.tasksPerSec)}.`,
      );
  const ref = r.reference as { storyLatencyMs: { p99: number | null }; serverCpuCores: number; databaseCpuCores: number } | undefined;
  const theirs = bull.reference as { storyLatencyMs: { p99: number | null }; serverCpuCores: number; databaseCpuCores: number };
  if (ref)
    out.push(
      `Reference load: p99 ${ref.storyLatencyMs.p99} ms at ${ref.serverCpuCores} server + ${ref.databaseCpuCores} database cores; ` +
        `BullMQ p99 ${theirs.storyLatencyMs.p99} ms at ${theirs.serverCpuCores} worker + ${theirs.databaseCpuCores} Redis cores.`,
    );
  return out;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
