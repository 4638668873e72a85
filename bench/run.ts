/**
 * Storyflow benchmark: starts the real server as a child process (default: the offline in-memory
 * database, as `npm start` on a machine without mongod) for each scenario, drives it over HTTP and
 * prints the figures as JSON, then as a Markdown table.
 *
 *   npm run bench                                    # every scenario (engine, reference, bursts, drain)
 *   npm run bench -- --scenarios=reference,burst     # some of them
 *   npm run bench -- --reference-sec=600             # a 10-minute reference soak
 *   npm run bench -- --reference-runs=3              # the reference load three times (BullMQ's too)
 *   npm run bench -- --bursts=1000 --drain=0
 *   npm run bench -- --scenarios=flood               # 1,000 maximum-size attempts: statuses, memory
 *   npm run bench -- --scenarios=growth              # 120,000 stories, retention off: the heap every 20,000
 *   npm run bench -- --backend=/path/to/other/backend/src/main.ts   # the same figures for another version
 *   npm run bench -- --node-arg=--cpu-prof --node-arg=--cpu-prof-dir=/tmp/prof   # node flags for the servers
 *   MONGODB_URI=mongodb://... npm run bench          # against a real MongoDB
 *
 * Scenarios:
 * - pool: each load shape of test-support's LOAD_SHAPES on a fresh server: the wait for a worker (stored
 *   startedAt − createdAt) p50/p99, the largest pool, and when it was back at POOL_MIN (bench/pool.ts).
 * - reference: the original client's load (a story every 50–100 ms, 20–80 tasks of 10–20 ms, seeded).
 *   Story latency is the server's own: createdAt (accepted) → completedAt (its Done commit), per story.
 * - burst N: N reference stories posted at once (64 clients, retrying 503/429 after their Retry-After as
 *   clients should: the embedded database takes only what it holds); tasks/s from the first POST to the last
 *   story committed Done (watched on the completion counter, /metrics). Each scenario runs on a fresh
 *   server after a short warm-up (V8 compiling the hot paths is not what is measured).
 * - batch: bursts with every story kept beside the default, one per request and in batches of 100 (2,000 as 20
 *   batches; --batch-stories, 10,000, as 100), each checked Done exactly once (bench/bursts.ts); BullMQ's addBulk too.
 * - drain N: like a burst, but more than admission control takes at once: the clients retry 503
 *   (Retry-After) as they should; reports errors (anything but 201 after retries) and peak memory.
 * - engine: the processing engine alone (no database, no HTTP), a million tasks (backend's bench:engine).
 * - cluster: a burst of 2,000 over 1–4 instances in cluster mode (one jongodb, one Redis), each instance held to
 *   0.3 CPU by a cgroup v1 cpu group (--cluster-cpu; needs root), the database and Redis uncapped, posted to the
 *   instances in turn one per request and in batches of 100; tasks/s (median of --cluster-repeat runs) and each
 *   process's CPU (bench/cluster.ts).
 * - screens: on a phone's profile (150 ms round trip, 1.6 Mbps down, 750 kbps up, CPU ×4, cold cache), ms from
 *   navigation to each screen live (stats: live figures and chart drawn; stories: its first page shown) and the bytes
 *   transferred, median of 3, through the server itself and through nginx (bench/screens.ts).
 * - bullmq: the reference load and each burst on BullMQ flows over Redis (bench/bullmq.ts), same seeds.
 * - flood (not in the default list): 1,000 maximum-size attempts at once (--flood=N); statuses and memory.
 * - growth (not in the default list): --growth-stories (120,000) against an external database with retention
 *   off, as on MongoDB; the server's heap after a forced full collection every 20,000 (bench/growth.ts).
 */
import { execFileSync } from 'node:child_process';
import { io } from 'socket.io-client';
import { bullmqBurst, bullmqReference } from './bullmq.js';
import { burst } from './bursts.js';
import { cappedCluster, clusterRows, type CappedClusterResult } from './cluster.js';
import { growth } from './growth.js';
import { metrics } from './http-client.js';
import { args, concurrency, extraEnv, scenarios, seed } from './options.js';
import { poolRows, poolWaits, type PoolRow } from './pool.js';
import { ensureDashboard, screensRows, screenTimes, type ScreenTimes } from './screens.js';
import { usage, watchMemory } from './proc-usage.js';
import {
  completedReached,
  histogramPercentiles,
  post,
  postLatency,
  storyPhases,
  storyWrites,
  withServer,
  type PostOutcome,
} from './server-run.js';
import type { HealthDto, StatsSample, StoryLimits, StoryListDto } from '@storyflow/contracts';
import { percentile, referenceIntervalMs, referenceStory, round, seededRandom, sleep } from '@storyflow/test-support';

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

/**
 * Bursts with every story kept beside the default retention, one story per request and in batches of 100
 * (2,000 stories as 20 batches; 10,000 as 100).
 */
async function batchBursts() {
  const big = Number(args['batch-stories']);
  return [
    await burst(2000, { retry: true, keepAll: true }),
    await burst(2000, { retry: true, batch: 100 }),
    await burst(2000, { retry: true, batch: 100, keepAll: true }),
    await burst(big, { retry: true, batch: 100 }),
  ];
}

/** The same reference load and bursts on BullMQ flows (bench/bullmq.ts), in the same run; addBulk beside the batches. */
async function bullmq() {
  const bursts: Record<string, unknown> = {};
  for (const n of args.bursts.split(',').map(Number).filter(Boolean)) bursts[n] = await bullmqBurst(n, seed, concurrency);
  const bulk = scenarios.has('batch')
    ? [await bullmqBurst(2000, seed, concurrency, 100), await bullmqBurst(Number(args['batch-stories']), seed, concurrency, 100)]
    : [];
  const references = [];
  for (let i = 0; i < Number(args['reference-runs']); i++) references.push(await bullmqReference(Number(args['reference-sec']), seed));
  return { reference: references[0]!, ...(references.length > 1 ? { referenceRuns: references } : {}), bursts, bulk };
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
  if (scenarios.has('screens')) {
    ensureDashboard();
    result.screens = await withServer((_s, base) => screenTimes(base));
  }
  if (scenarios.has('pool')) result.pool = await poolWaits(seed);
  if (scenarios.has('reference')) {
    const runs = [];
    for (let i = 0; i < Number(args['reference-runs']); i++) runs.push(await reference(Number(args['reference-sec'])));
    result.reference = runs[0];
    if (runs.length > 1) result.referenceRuns = runs;
  }
  if (scenarios.has('burst')) {
    const bursts: Record<string, unknown> = {};
    for (const n of args.bursts.split(',').map(Number).filter(Boolean)) bursts[n] = await burst(n, { retry: true });
    result.bursts = bursts;
  }
  if (scenarios.has('batch')) result.batchBursts = await batchBursts();
  const drain = Number(args.drain);
  if (scenarios.has('drain') && drain > 0) result.drain = await burst(drain, { retry: true });
  if (scenarios.has('cluster')) {
    const options = {
      instances: args.cluster.split(',').map(Number).filter(Boolean),
      stories: Number(args['cluster-stories']),
      cpuShare: Number(args['cluster-cpu']),
      repeat: Number(args['cluster-repeat']),
      concurrency,
      seed,
      env: extraEnv,
      nodeArgs: args['node-arg'],
      ...(args.backend ? { backend: args.backend } : {}),
    };
    result.cluster = [await cappedCluster(options), await cappedCluster({ ...options, batch: 100 })];
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

/** The figures side by side, as bench/README.md records them. */
function markdown(r: Record<string, unknown>): string {
  type Row = Record<string, unknown> & {
    storyLatencyMs?: { p50: number | null; p95: number | null; p99: number | null } | null;
    postLatencyMs?: { p50: number | null; p99: number | null };
    memoryMb?: { peakMb: number };
    tasksPerSec?: number;
    storyWritesPerStory?: number | null;
    errors?: number;
    batch?: number;
  };
  const lat = (row: Row) =>
    row.storyLatencyMs ? `${row.storyLatencyMs.p50} / ${row.storyLatencyMs.p95} / ${row.storyLatencyMs.p99}` : 'n/a';
  const lines = [
    '| run | stories | tasks/s | story latency p50 / p95 / p99 (ms) | server CPU (cores) | peak RSS server + DB (MB) | story writes / story | POST p50 / p99 (ms) | errors |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  const add = (name: string, row: Row, stories: unknown, tasksPerSec: number | '' | undefined) =>
    lines.push(
      `| ${name} | ${String(stories)} | ${String(tasksPerSec ?? '')} | ${lat(row)} | ${String(row.serverCpuCores)} | ${row.memoryMb?.peakMb ?? ''} | ${String(row.storyWritesPerStory ?? 'n/a')} | ${row.postLatencyMs ? `${row.postLatencyMs.p50} / ${row.postLatencyMs.p99}` : 'n/a'} | ${String(row.errors ?? 0)} |`,
    );
  const refs = (r.referenceRuns ?? (r.reference ? [r.reference] : [])) as Row[];
  refs.forEach((ref, i) =>
    add(`reference load, ${String(ref.seconds)} s${refs.length > 1 ? `, run ${i + 1}` : ''}`, ref, ref.accepted, ''),
  );
  for (const [n, row] of Object.entries((r.bursts ?? {}) as Record<string, Row>)) add(`burst of ${n}`, row, row.accepted, row.tasksPerSec);
  for (const row of (r.batchBursts ?? []) as Row[])
    add(
      `burst of ${String(row.stories)}${row.batch ? ` in batches of ${String(row.batch)}` : ', one per request'}, retention ${String(row.retention)}${row.doneExactlyOnce ? '' : ' (NOT all Done exactly once)'}`,
      row,
      row.accepted,
      row.tasksPerSec,
    );
  const drain = r.drain as Row | undefined;
  if (drain) add(`drain of ${String(drain.stories)} (retries 503)`, drain, drain.accepted, drain.tasksPerSec);
  const e = r.engine as { tasks: number; tasksPerSec: number; ofCeiling: number } | undefined;
  if (e)
    lines.push(
      `| engine only, ${e.tasks} tasks | | ${e.tasksPerSec} (${Math.round(e.ofCeiling * 100)} % of POOL_MAX ÷ mean task) | | | | | | |`,
    );
  const bull = r.bullmq as { reference: Row; referenceRuns?: Row[]; bursts: Record<string, Row>; bulk?: Row[] } | undefined;
  if (bull) {
    const bullRefs = bull.referenceRuns ?? [bull.reference];
    bullRefs.forEach((ref, i) =>
      add(`BullMQ: reference load, ${String(ref.seconds)} s${bullRefs.length > 1 ? `, run ${i + 1}` : ''}`, ref, ref.stories, ''),
    );
    for (const [n, row] of Object.entries(bull.bursts)) add(`BullMQ: burst of ${n}`, row, row.stories, row.tasksPerSec);
    for (const row of bull.bulk ?? [])
      add(`BullMQ: burst of ${String(row.stories)}, addBulk of ${String(row.batch)}`, row, row.stories, row.tasksPerSec);
    lines.push('', ...comparison(r, bull), '');
  }
  if (r.pool) lines.push('', ...poolRows(r.pool as PoolRow[]), '');
  if (r.screens)
    lines.push(
      '',
      '| screen, path (phone: 150 ms RTT, 1.6 Mbps down, CPU ×4, cold cache) | ms from navigation to live (median of 3) | KB transferred |',
      '|---|---|---|',
      ...screensRows(r.screens as ScreenTimes),
      '',
    );
  for (const c of (r.cluster ?? []) as CappedClusterResult[]) lines.push('', ...clusterRows(c), '');
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
