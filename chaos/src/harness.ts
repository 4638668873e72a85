import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';
import type { StatsSnapshot } from '@storyflow/contracts';
import { sleep, startProcess, waitFor, type ManagedProcess } from '@storyflow/test-support';
import { check, type ChaosResult, type StoredCounters, type StoredStory } from './checker.js';
import type { HistoryEvent } from './history.js';
import { runNemesis } from './nemesis.js';
import { sampleHealth, samplePeakRss } from './observe.js';
import { planFaults } from './schedule.js';
import { ChaosSystem } from './system.js';

export interface ChaosOptions {
  seconds: number;
  seed: number;
  instances?: number;
  leaseMs?: number;
  clients?: number;
  /** Another checkout's backend entry (`…/backend/src/main.ts`): the same run against another version. */
  backendMain?: string;
  /** Where the histories, the processes' logs and the result go (default chaos/results/<time>-seed<seed>). */
  resultsDir?: string;
  log?: (line: string) => void;
}

const chaosDir = resolve(fileURLToPath(new URL('..', import.meta.url)));
/** After the run, clients go on retrying what is pending this long; then the system must be idle within DRAIN_MS. */
const CLIENT_DRAIN_MS = 30_000;
const DRAIN_MS = 90_000;
const RSS_BOUND_MB = 512;

/**
 * One run: the system up, the clients and observers started, the nemesis's schedule played, every fault
 * healed, the clients stopped once their pending requests are answered, the work drained; then the
 * database's end state and the clients' histories go to the checker.
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const { seconds, seed, instances = 3, leaseMs = 5000, clients = 2, log = () => undefined } = options;
  const dir = options.resultsDir ?? join(chaosDir, 'results', `${new Date().toISOString().replace(/[:.]/g, '-')}-seed${seed}`);
  mkdirSync(dir, { recursive: true });
  log(`results in ${dir}`);
  const system = await ChaosSystem.start({
    instances,
    leaseMs,
    ...(options.backendMain ? { backendMain: options.backendMain } : {}),
    onOutput: (name, text) => writeFileSync(join(dir, `${name}.log`), text),
  });
  try {
    const health = sampleHealth(system.instanceUrls, (i) => system.running(i));
    const memory = samplePeakRss(() => system.pids());
    const histories = Array.from({ length: clients }, (_, i) => join(dir, `client-${i + 1}.jsonl`));
    const running = histories.map((history, i) => startClient(system, `c${i + 1}`, seed * 100 + i, history, i === 0));
    const startedAt = Date.now();
    const plan = planFaults({ seconds, seed, instances, leaseMs });
    log(`${plan.length} faults planned over ${seconds} s (seed ${seed})`);
    const faults = await runNemesis(system, plan, startedAt, log);
    // The feeds get a few seconds after the last fault healed to show they came back.
    const feedsBackBy = (faults.at(-1)?.end ?? startedAt) + 3_000;
    await sleep(Math.max(startedAt + seconds * 1000, feedsBackBy + 3_000) - Date.now());
    log('faults over: clients finish what they have pending');
    await Promise.all(running.map((c) => stopClient(c)));
    const end = await settle(system);
    health.stop();
    memory.stop();
    const history = histories.flatMap(readHistory);
    const result = check({
      seconds,
      seed,
      startedAt,
      faults,
      history,
      ...end,
      health: health.samples,
      peakRssMb: memory.peaks,
      rssBoundMb: RSS_BOUND_MB,
      feedsBackBy,
    });
    writeFileSync(join(dir, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
    return result;
  } finally {
    await system.stop();
  }
}

/** A client process; `pauses`: it also pauses and resumes the cluster now and then. */
function startClient(system: ChaosSystem, id: string, seed: number, history: string, pauses: boolean): ManagedProcess {
  const args = [
    '--import',
    'tsx',
    join(chaosDir, 'src/client.ts'),
    `--url=${system.url}`,
    `--token=${system.token}`,
    `--id=${id}`,
    `--seed=${seed}`,
    `--history=${history}`,
    `--drain-ms=${CLIENT_DRAIN_MS}`,
    ...(pauses ? ['--pauses'] : []),
  ];
  return startProcess(process.execPath, args, { cwd: chaosDir });
}

async function stopClient(client: ManagedProcess): Promise<void> {
  client.signal('SIGTERM');
  const timer = setTimeout(() => client.signal('SIGKILL'), CLIENT_DRAIN_MS + 15_000);
  const exit = await client.exited;
  clearTimeout(timer);
  if (exit.code !== 0) throw new Error(`a chaos client failed (${JSON.stringify(exit)}):\n${client.output().slice(-2000)}`);
}

const readHistory = (file: string): HistoryEvent[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as HistoryEvent);

/**
 * Waits until the system is idle and every instance has published a second that counts it all (or the
 * drain time is up: the checker then says what is wrong), and reads the end state.
 */
async function settle(system: ChaosSystem) {
  const mongo = await MongoClient.connect(system.dbUri);
  try {
    const db = mongo.db(system.dbName);
    const stories = db.collection('stories');
    const deadline = Date.now() + DRAIN_MS;
    // Idle: nothing Open, no removal half-done (a killed instance's is finished within a lease period).
    const idle = async () =>
      (await stories.countDocuments({ status: 'Open' })) === 0 && (await readCounters(db.collection('counters'))).pendingRemovals === 0;
    await waitFor(async () => (await idle()) || Date.now() > deadline, {
      timeoutMs: DRAIN_MS + 5_000,
      intervalMs: 500,
    });
    const stored = await readStories(stories);
    const counters = await readCounters(db.collection('counters'));
    const done = stored.filter((s) => s.status === 'Done').length;
    const settled = (p: { open: number; completed: number } | null) =>
      p !== null && p.open === stored.length - done && p.completed === done + counters.removedDone;
    let published: ({ open: number; completed: number } | null)[] = [];
    for (const until = Date.now() + 15_000; Date.now() < until; await sleep(500)) {
      published = await Promise.all(system.instanceUrls.map(lastPublished));
      if (published.every(settled)) break;
    }
    return { stored, counters, published };
  } finally {
    await mongo.close();
  }
}

async function lastPublished(url: string): Promise<{ open: number; completed: number } | null> {
  try {
    const snapshot = (await (await fetch(`${url}/api/stats`, { signal: AbortSignal.timeout(2000) })).json()) as StatsSnapshot;
    const last = snapshot.history.at(-1);
    return last ? { open: last.open, completed: last.completed } : null;
  } catch {
    return null;
  }
}

async function readStories(collection: ReturnType<ReturnType<MongoClient['db']>['collection']>): Promise<StoredStory[]> {
  const docs = await collection.find({}, { projection: { title: 1, status: 1, taskCount: 1, 'tasks.status': 1 } }).toArray();
  return docs.map((d) => ({
    id: String(d._id),
    title: typeof d.title === 'string' ? d.title : null,
    status: d.status as StoredStory['status'],
    taskCount: d.taskCount as number,
    tasksDone: (d.tasks as { status: string }[]).filter((t) => t.status === 'Done').length,
  }));
}

async function readCounters(collection: ReturnType<ReturnType<MongoClient['db']>['collection']>): Promise<StoredCounters> {
  const doc = await collection.findOne({ _id: 'stories' as never });
  const n = (v: unknown) => (typeof v === 'number' ? v : 0);
  return {
    deleted: n(doc?.deleted),
    purged: n(doc?.purged),
    removedOpen: n(doc?.removedOpen),
    removedDone: n(doc?.removedDone),
    pendingRemovals: Object.keys((doc?.removals ?? {}) as object).length,
  };
}
