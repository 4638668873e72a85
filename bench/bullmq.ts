/**
 * BullMQ beside Storyflow: the same seeded stories on BullMQ flows over a real Redis (Debian's
 * redis-server). A story is a flow: a parent job with one child job per task. The workers run in a
 * process of their own (bullmq-worker.ts); "server" CPU is that process plus Redis, as Storyflow's is
 * its server plus its database. Story latency: from the flow being added (accepted) to its parent
 * job completing, per story, exact.
 */
import { fileURLToPath } from 'node:url';
import { FlowProducer } from 'bullmq';
import {
  percentile,
  referenceIntervalMs,
  referenceStory,
  round,
  seededRandom,
  sleep,
  startProcess,
  startRedis,
  type ManagedProcess,
  type RedisProcess,
} from '@storyflow/test-support';
import { STORY_QUEUE, TASK_CONCURRENCY, TASK_QUEUE } from './bullmq-queues.js';
import { usage } from './proc-usage.js';

type Body = { tasks: { estimate: number }[] };

/** Redis, the worker process, and a producer; `done` maps each completed story's job id to its latency. */
async function startBullmq() {
  const redis = await startRedis();
  const worker = startProcess(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL('./bullmq-worker.ts', import.meta.url)), redis.url],
    {
      cwd: fileURLToPath(new URL('.', import.meta.url)),
    },
  );
  const done = new Map<string, number>();
  let partial = '';
  let ready = false;
  worker.child.stdout?.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      if (line === 'ready') ready = true;
      const [word, id, ms] = line.split(' ');
      if (word === 'done') done.set(id!, Number(ms));
    }
  });
  for (const end = Date.now() + 30_000; !ready; await sleep(20))
    if (Date.now() > end || !worker.running()) throw new Error(`BullMQ worker did not start:\n${worker.output()}`);
  const { hostname, port } = new URL(redis.url);
  const producer = new FlowProducer({ connection: { host: hostname, port: Number(port) } });
  return { redis, worker, producer, done };
}

type Bullmq = Awaited<ReturnType<typeof startBullmq>>;

async function stopBullmq({ redis, worker, producer }: Bullmq) {
  await producer.close();
  await worker.stop();
  await redis.stop();
}

const flowOf = (id: string, body: Body) => ({
  name: 'story',
  queueName: STORY_QUEUE,
  opts: { jobId: id, removeOnComplete: true },
  children: body.tasks.map((task, n) => ({ name: `task-${n}`, queueName: TASK_QUEUE, data: task, opts: { removeOnComplete: true } })),
});
const addStory = (producer: FlowProducer, id: string, body: Body) => producer.add(flowOf(id, body));

async function allDone(done: Map<string, number>, ids: string[], timeoutMs: number): Promise<number> {
  for (const end = performance.now() + timeoutMs; ; await sleep(5)) {
    if (ids.every((id) => done.has(id))) return performance.now();
    if (performance.now() > end)
      throw new Error(`BullMQ: ${ids.filter((id) => !done.has(id)).length} stories not done after ${timeoutMs} ms`);
  }
}

/** CPU seconds of the workers and of Redis. */
const cpu = (worker: ManagedProcess, redis: RedisProcess) => ({
  worker: usage(worker.child.pid!).cpuSec,
  redis: usage(redis.child.pid!).cpuSec,
});

function latencyOf(done: Map<string, number>, ids: string[]) {
  const ms = ids.map((id) => done.get(id)!);
  return { p50: percentile(ms, 50), p95: percentile(ms, 95), p99: percentile(ms, 99), of: ms.length };
}

/** The reference load (seeded as Storyflow's: same stories, same intervals, same warm-up). */
export async function bullmqReference(seconds: number, seed: number) {
  const bull = await startBullmq();
  try {
    const warm = seededRandom(seed - 1);
    const warmIds: string[] = [];
    for (const end = performance.now() + 5000; performance.now() < end; await sleep(referenceIntervalMs(warm))) {
      const id = `warm-${warmIds.length}`;
      warmIds.push(id);
      void addStory(bull.producer, id, referenceStory(warm));
    }
    await allDone(bull.done, warmIds, 60_000);
    await sleep(2000);
    const random = seededRandom(seed);
    const ids: string[] = [];
    const adds: Promise<unknown>[] = [];
    const c0 = cpu(bull.worker, bull.redis);
    const t0 = performance.now();
    while (performance.now() - t0 < seconds * 1000) {
      const id = `ref-${ids.length}`;
      ids.push(id);
      adds.push(addStory(bull.producer, id, referenceStory(random)));
      await sleep(referenceIntervalMs(random));
    }
    await Promise.all(adds);
    await allDone(bull.done, ids, 60_000);
    const wallSec = (performance.now() - t0) / 1000;
    const c1 = cpu(bull.worker, bull.redis);
    return {
      seconds,
      stories: ids.length,
      storiesPerSec: round(ids.length / seconds, 1),
      storyLatencyMs: latencyOf(bull.done, ids),
      serverCpuCores: round((c1.worker - c0.worker) / wallSec, 3),
      databaseCpuCores: round((c1.redis - c0.redis) / wallSec, 3),
      taskConcurrency: TASK_CONCURRENCY,
    };
  } finally {
    await stopBullmq(bull);
  }
}

/**
 * N seeded stories (as Storyflow's burst of N) added by `concurrency` producers at once: one flow per call,
 * or (`batch` > 0) `batch` flows per `addBulk` call, as Storyflow's batch bursts post them.
 */
export async function bullmqBurst(stories: number, seed: number, concurrency: number, batch = 0) {
  const bull = await startBullmq();
  try {
    // Warm-up: a hundred stories first, as for Storyflow.
    const warm = seededRandom(seed - 1);
    const warmIds = Array.from({ length: 100 }, (_, i) => `warm-${i}`);
    await Promise.all(warmIds.map((id) => addStory(bull.producer, id, referenceStory(warm))));
    await allDone(bull.done, warmIds, 60_000);
    await sleep(1500);
    const random = seededRandom(seed + stories);
    const bodies = Array.from({ length: stories }, () => referenceStory(random));
    const tasks = bodies.reduce((n, b) => n + b.tasks.length, 0);
    const ids = bodies.map((_, i) => `burst-${i}`);
    const c0 = cpu(bull.worker, bull.redis);
    const t0 = performance.now();
    let next = 0;
    const step = Math.max(1, batch);
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let i = next, end = (next += step); i < bodies.length; i = next, end = next += step) {
          if (!batch) await addStory(bull.producer, ids[i]!, bodies[i]!);
          else await bull.producer.addBulk(ids.slice(i, end).map((id, k) => flowOf(id, bodies[i + k]!)));
        }
      }),
    );
    const addedAt = performance.now();
    const end = await allDone(bull.done, ids, 600_000);
    const c1 = cpu(bull.worker, bull.redis);
    const seconds = (end - t0) / 1000;
    return {
      stories,
      ...(batch ? { batch } : {}),
      tasks,
      addAllMs: Math.round(addedAt - t0),
      allDoneMs: Math.round(end - t0),
      tasksPerSec: Math.round(tasks / seconds),
      storyLatencyMs: latencyOf(bull.done, ids),
      serverCpuCores: round((c1.worker - c0.worker) / seconds, 2),
      databaseCpuCores: round((c1.redis - c0.redis) / seconds, 2),
    };
  } finally {
    await stopBullmq(bull);
  }
}
