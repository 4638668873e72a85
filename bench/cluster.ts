/**
 * cluster (capped): a burst over 1…N instances in cluster mode, each instance held to its own CPU slice by a
 * cgroup v1 `cpu` group (CFS quota), the database and Redis uncapped. On a 2-core machine uncapped instances
 * only share the same cores, so more of them cannot show; capped at 0.3 CPU each, 1–4 instances use 0.3–1.2
 * cores and leave room for the database, Redis and the client, so the figure shows how the cluster scales
 * (and, where it does not, which shared process sets the pace: their CPU is reported beside it).
 *
 * Needs root and the cgroup v1 cpu controller at /sys/fs/cgroup/cpu (where it is missing the run fails at once).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import {
  freePort,
  percentile,
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
import { postAll } from './bursts.js';
import { metrics } from './http-client.js';
import { usage } from './proc-usage.js';

/** USER_HZ: 100 on Linux (getconf CLK_TCK). */
const CLOCK_TICKS = 100;
/** CPU seconds the whole machine has spent busy (every process: /proc/stat), to see what else ran meanwhile. */
function machineBusySec(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
  return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS;
}

export interface CappedClusterOptions {
  /** Instance counts, one run each on a fresh database and Redis (default 1, 2, 3, 4). */
  instances: number[];
  /** Reference stories in the measured burst. */
  stories: number;
  /** Each instance's CPU, in cores (0.3: a quota of 30 ms every 100 ms). */
  cpuShare: number;
  /** Clients posting at once, to the instances in turn (in all, or per instance: `clientsPerInstance`). */
  concurrency: number;
  seed: number;
  /** Server settings over the cluster's own (MONGODB_URI, REDIS_URL, … are set here). */
  env: Record<string, string>;
  /** Another checkout's backend entry (…/backend/src/main.ts). */
  backend?: string;
  /** Node flags for the instances (e.g. --cpu-prof --cpu-prof-dir=…). */
  nodeArgs: string[];
  /** Stories posted (and waited for) before the measured burst, so V8 compiling is not measured (default 400). */
  warmUp?: number;
  /**
   * Done tasks the database keeps, the cluster's instances together (default 15,000, what the in-memory stand-in
   * keeps for one instance; 0: every story kept, as on MongoDB). RETENTION_MAX_DONE_TASKS bounds each instance's
   * own Done tasks, so each gets its share: with the whole bound on each, n instances would keep n times as many,
   * and on the stand-in (which scans the collection on every write) the database, not the instances, would be
   * measured. An `env` RETENTION_* setting wins.
   */
  keepDoneTasks?: number;
  /**
   * Runs per instance count, in rounds (1…N, then 1…N again), the median by tasks/s reported (the lower middle one
   * for an even count; default 1). Figures vary by ±10 % from run to run on the 2-core machine, and anything else
   * running there shows as `others`.
   */
  repeat?: number;
  /** `concurrency` clients for each instance instead of in all (default false: the same clients, whatever n). */
  clientsPerInstance?: boolean;
  /** Stories per POST /api/stories/batch (each batch to the next instance in turn); 0 (default): one per request. */
  batch?: number;
}

/**
 * The defaults: 2,000 stories (≈ 100,000 tasks: 8–9 s on one capped instance, 3.5–4 s on three or four; 1,000 would
 * leave three instances a 2-s burst, mostly ramp and tail), after a warm-up of 400. Three runs each vary by ±10 %.
 */
export const CAPPED_CLUSTER_DEFAULTS = {
  instances: [1, 2, 3, 4],
  stories: 2000,
  cpuShare: 0.3,
  warmUp: 400,
  keepDoneTasks: 15_000,
} as const;

const CGROUP_CPU = '/sys/fs/cgroup/cpu';
const PERIOD_US = 100_000;

/** A cgroup v1 cpu group holding one process to `share` cores; `remove` moves anything left back to the root first. */
interface CpuGroup {
  path: string;
  add(pid: number): void;
  /** Periods in which it was held back, and for how long (cpu.stat). */
  throttled(): { periods: number; throttledPeriods: number; throttledSec: number };
  remove(): void;
}

const liveGroups = new Set<CpuGroup>();
// Whatever way this process ends, no group it made outlives it (a group with a live process cannot be removed:
// the process goes back to the root group first).
process.once('exit', () => {
  for (const g of liveGroups) g.remove();
});

/** Groups an earlier run left behind (it was killed): removed when their bench process is gone. */
function removeStaleGroups(): void {
  for (const name of readdirSync(CGROUP_CPU)) {
    const owner = /^storyflow-bench-(\d+)-/.exec(name)?.[1];
    if (!owner || existsSync(`/proc/${owner}`)) continue;
    const path = join(CGROUP_CPU, name);
    try {
      for (const pid of readFileSync(join(path, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean))
        writeFileSync(join(CGROUP_CPU, 'cgroup.procs'), pid);
      rmdirSync(path);
    } catch {
      // another run's, still busy: leave it
    }
  }
}

function cpuGroup(name: string, share: number): CpuGroup {
  if (!existsSync(join(CGROUP_CPU, 'cpu.cfs_quota_us')))
    throw new Error(`${CGROUP_CPU}: no cgroup v1 cpu controller here (the capped cluster needs it, and root)`);
  const path = join(CGROUP_CPU, name);
  mkdirSync(path);
  const group: CpuGroup = {
    path,
    add: (pid) => writeFileSync(join(path, 'cgroup.procs'), String(pid)),
    throttled() {
      const stat = Object.fromEntries(
        readFileSync(join(path, 'cpu.stat'), 'utf8')
          .trim()
          .split('\n')
          .map((line) => line.split(' ') as [string, string]),
      );
      return {
        periods: Number(stat.nr_periods ?? 0),
        throttledPeriods: Number(stat.nr_throttled ?? 0),
        throttledSec: Number(stat.throttled_time ?? 0) / 1e9,
      };
    },
    remove() {
      if (!liveGroups.delete(group)) return;
      try {
        for (const pid of readFileSync(join(path, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean))
          writeFileSync(join(CGROUP_CPU, 'cgroup.procs'), pid);
      } catch {
        // gone already
      }
      try {
        rmdirSync(path);
      } catch (error) {
        process.stderr.write(`could not remove ${path}: ${String(error)}\n`);
      }
    },
  };
  liveGroups.add(group);
  try {
    writeFileSync(join(path, 'cpu.cfs_period_us'), String(PERIOD_US));
    writeFileSync(join(path, 'cpu.cfs_quota_us'), String(Math.round(share * PERIOD_US)));
  } catch (error) {
    group.remove();
    throw error;
  }
  return group;
}

/** Stories completed, the instances' counters summed. */
async function completedSum(instances: BackendProcess[]): Promise<number> {
  const each = await Promise.all(
    instances.map(async (p) => (await metrics(p.url, ['storyflow_stories_completed']))?.get('storyflow_stories_completed') ?? 0),
  );
  return each.reduce((a, b) => a + b, 0);
}

async function completedReached(instances: BackendProcess[], target: number, timeoutMs: number): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    const done = await completedSum(instances);
    if (done >= target) return performance.now();
    if (performance.now() - t0 > timeoutMs) throw new Error(`only ${done} of ${target} stories completed after ${timeoutMs} ms`);
    await sleep(20);
  }
}

/** Database commands sent, by `command collection`, the instances' counters summed. */
async function dbCommands(instances: BackendProcess[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const p of instances)
    for (const [key, n] of (await metrics(p.url, ['storyflow_db_operations_total'])) ?? []) {
      const m = /command="([^"]+)".*collection="([^"]+)"|collection="([^"]+)".*command="([^"]+)"/.exec(key);
      if (!m) continue;
      const name = m[1] ? `${m[1]} ${m[2]}` : `${m[4]} ${m[3]}`;
      out.set(name, (out.get(name) ?? 0) + n);
    }
  return out;
}

/** Redis commands run so far, by command (INFO commandstats, over a plain socket). */
function redisCommands(port: number): Promise<Map<string, number>> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk.toString();
      const header = /^\$(\d+)\r\n/.exec(text);
      if (header && Buffer.byteLength(text) >= header[0].length + Number(header[1])) {
        socket.end();
        const out = new Map<string, number>();
        for (const m of text.matchAll(/cmdstat_([^:]+):calls=(\d+)/g)) out.set(m[1]!, Number(m[2]));
        resolve(out);
      }
    });
    socket.on('error', reject);
    socket.write('INFO commandstats\r\n');
  });
}

/** What each story cost between two readings, per command (those under 0.01 a story left out). */
function perStory(before: Map<string, number>, after: Map<string, number>, stories: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of after) {
    const each = (v - (before.get(k) ?? 0)) / stories;
    if (each >= 0.01) out[k] = round(each, 2);
  }
  return out;
}

export interface CappedRun {
  instances: number;
  clients: number;
  cpuShare: number;
  stories: number;
  tasks: number;
  accepted: number;
  errors: number;
  retried503or429: number;
  postAllMs: number;
  allDoneMs: number;
  tasksPerSec: number;
  postLatencyMs: { p50: number | null; p99: number | null };
  /** CPU over the burst, in cores. */
  /** `others`: the machine's busy CPU less these (another program running meanwhile makes the figure unsound). */
  cpuCores: { instances: number[]; database: number | null; redis: number; client: number; others: number };
  /** Share of the burst's CFS periods in which each instance was held back by its quota. */
  throttledShare: number[];
  /** Database commands a story cost (all instances, the leader's reads included), by command and collection. */
  dbCommandsPerStory: Record<string, number>;
  /** Redis commands a story cost, by command. */
  redisCommandsPerStory: Record<string, number>;
}

/** One run: a fresh database and Redis, `n` capped instances, a warm-up, then the measured burst. */
async function run(n: number, options: CappedClusterOptions): Promise<CappedRun> {
  const db = await startDatabase();
  const instances: BackendProcess[] = [];
  const groups: CpuGroup[] = [];
  let redis: Awaited<ReturnType<typeof startRedis>> | undefined;
  try {
    redis = await startRedis();
    const port = await freePort();
    const keep = options.keepDoneTasks ?? CAPPED_CLUSTER_DEFAULTS.keepDoneTasks;
    const env = {
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      MONGODB_URI: db.uri,
      MONGODB_DB: uniqueDbName('bench'),
      REDIS_URL: redis.url,
      RATE_LIMIT_PER_SEC: '0',
      RATE_LIMIT_STORIES_PER_SEC: '0',
      // The stand-in's retention (30 s, the Done tasks bound shared out), as one instance on it has by default.
      ...(keep > 0 ? { RETENTION_DONE_SECONDS: '30', RETENTION_MAX_DONE_TASKS: String(Math.ceil(keep / n)) } : {}),
      ...options.env,
    };
    for (let i = 0; i < n; i++) {
      const instance = await startBackend({
        env: { ...env, INSTANCE_ID: `i${i}` },
        host: `127.0.0.${i + 2}`,
        port,
        echo: true,
        ...(options.backend ? { main: options.backend } : {}),
        nodeArgs: options.nodeArgs,
      });
      instances.push(instance);
      const group = cpuGroup(`storyflow-bench-${process.pid}-i${i}`, options.cpuShare);
      groups.push(group);
      group.add(instance.child.pid!);
    }
    const urls = instances.map((p) => p.url);
    // Warm-up under the cap, to every instance, so V8 has compiled the hot paths before the burst.
    const warmUp = options.warmUp ?? CAPPED_CLUSTER_DEFAULTS.warmUp;
    if (warmUp > 0) {
      const warm = seededRandom(options.seed - 1);
      const outcomes = await postAll(
        urls,
        Array.from({ length: warmUp }, () => referenceStory(warm)),
        { retry: true, batch: options.batch ?? 0, clients: options.concurrency },
      );
      await completedReached(instances, outcomes.filter((o) => o.status === 201).length, 120_000);
    }
    await sleep(1500);
    const random = seededRandom(options.seed + options.stories);
    const bodies = Array.from({ length: options.stories }, () => referenceStory(random));
    const tasks = bodies.reduce((sum, b) => sum + b.tasks.length, 0);
    const startCompleted = await completedSum(instances);
    const cpu = () => ({
      instances: instances.map((p) => usage(p.child.pid!).cpuSec),
      database: db.pid ? usage(db.pid).cpuSec : null,
      redis: usage(redis!.child.pid!).cpuSec,
      client: process.cpuUsage(),
      throttled: groups.map((g) => g.throttled()),
      machine: machineBusySec(),
    });
    const db0 = await dbCommands(instances);
    const r0 = await redisCommands(redis.port);
    const clients = options.clientsPerInstance ? options.concurrency * n : options.concurrency;
    const c0 = cpu();
    const t0 = performance.now();
    const outcomes = await postAll(urls, bodies, { retry: true, batch: options.batch ?? 0, clients });
    const postedAt = performance.now();
    const accepted = outcomes.filter((o) => o.status === 201);
    const end = await completedReached(instances, startCompleted + accepted.length, 600_000);
    const c1 = cpu();
    const db1 = await dbCommands(instances);
    const r1 = await redisCommands(redis.port);
    const seconds = (end - t0) / 1000;
    const cores = (a: number, b: number) => round((b - a) / seconds, 3);
    const clientUs = c1.client.user + c1.client.system - c0.client.user - c0.client.system;
    const ms = outcomes.map((o) => o.ms);
    const ours =
      c1.instances.reduce((sum, v, i) => sum + v - c0.instances[i]!, 0) +
      (c1.database ?? 0) -
      (c0.database ?? 0) +
      c1.redis -
      c0.redis +
      clientUs / 1e6;
    return {
      instances: n,
      clients,
      cpuShare: options.cpuShare,
      stories: options.stories,
      tasks,
      accepted: accepted.length,
      errors: outcomes.length - accepted.length,
      retried503or429: outcomes.reduce((sum, o) => sum + o.retries, 0),
      postAllMs: Math.round(postedAt - t0),
      allDoneMs: Math.round(end - t0),
      tasksPerSec: Math.round(accepted.reduce((sum, o) => sum + o.tasks, 0) / seconds),
      postLatencyMs: { p50: round(percentile(ms, 50)), p99: round(percentile(ms, 99)) },
      cpuCores: {
        instances: c1.instances.map((v, i) => cores(c0.instances[i]!, v)),
        database: c1.database === null || c0.database === null ? null : cores(c0.database, c1.database),
        redis: cores(c0.redis, c1.redis),
        client: round(clientUs / 1e6 / seconds, 3),
        others: round(Math.max(0, c1.machine - c0.machine - ours) / seconds, 2),
      },
      throttledShare: c1.throttled.map((t, i) => {
        const periods = t.periods - c0.throttled[i]!.periods;
        return periods ? round((t.throttledPeriods - c0.throttled[i]!.throttledPeriods) / periods, 2) : 0;
      }),
      dbCommandsPerStory: perStory(db0, db1, accepted.length),
      redisCommandsPerStory: perStory(r0, r1, accepted.length),
    };
  } finally {
    for (const p of instances) await p.stop().catch(() => undefined);
    for (const g of groups) g.remove();
    await redis?.stop().catch(() => undefined);
    await db.stop();
  }
}

export interface CappedClusterResult {
  cpuShare: number;
  stories: number;
  /** Stories per request (1: single creates). */
  batch: number;
  keepDoneTasks: number;
  /** Per instance count, the median run (by tasks/s) and every run's tasks/s. */
  runs: (CappedRun & { tasksPerSecAll: number[] })[];
}

/** The capped burst for each instance count (see the file's comment). */
export async function cappedCluster(options: CappedClusterOptions): Promise<CappedClusterResult> {
  removeStaleGroups();
  const counts = options.instances.length ? options.instances : [...CAPPED_CLUSTER_DEFAULTS.instances];
  const all = new Map<number, CappedRun[]>(counts.map((n) => [n, []]));
  for (let round = 0; round < Math.max(1, options.repeat ?? 1); round++) for (const n of counts) all.get(n)!.push(await run(n, options));
  const runs = counts.map((n) => {
    const each = all.get(n)!;
    const sorted = [...each].sort((a, b) => a.tasksPerSec - b.tasksPerSec);
    return { ...sorted[Math.floor((sorted.length - 1) / 2)]!, tasksPerSecAll: each.map((r) => r.tasksPerSec) };
  });
  return {
    cpuShare: options.cpuShare,
    stories: options.stories,
    batch: Math.max(1, options.batch ?? 0),
    keepDoneTasks: options.keepDoneTasks ?? CAPPED_CLUSTER_DEFAULTS.keepDoneTasks,
    runs,
  };
}

/** Markdown rows: a header, then one row per instance count (tasks/s, ratio to one instance, CPU by process). */
export function clusterRows(result: CappedClusterResult): string[] {
  const one = result.runs.find((r) => r.instances === 1)?.tasksPerSec;
  const rows = [
    `| instances (${result.cpuShare} CPU each), ${result.stories} stories ${result.batch > 1 ? `in batches of ${result.batch}` : 'one per request'} | tasks/s${result.runs[0] && result.runs[0].tasksPerSecAll.length > 1 ? ' (median; all runs)' : ''} | × one | all Done (ms) | CPU per instance (throttled periods) | database CPU | Redis CPU | client CPU | other CPU |`,
    '| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |',
  ];
  for (const r of result.runs) {
    const each = r.cpuCores.instances.map((c, i) => `${c} (${Math.round((r.throttledShare[i] ?? 0) * 100)} %)`).join(', ');
    rows.push(
      `| ${r.instances} | ${r.tasksPerSec.toLocaleString('en-US')}${r.tasksPerSecAll.length > 1 ? ` (${r.tasksPerSecAll.map((t) => t.toLocaleString('en-US')).join(', ')})` : ''} | ${one ? round(r.tasksPerSec / one, 2) : '–'} | ${r.allDoneMs} | ${each} | ${r.cpuCores.database ?? '–'} | ${r.cpuCores.redis} | ${r.cpuCores.client} | ${r.cpuCores.others} |`,
    );
  }
  return rows;
}
