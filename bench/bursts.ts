/**
 * burst: N reference stories posted at once by 64 clients, one story per request or (`batch`) in batches of
 * `batch` (POST /api/stories/batch with an Idempotency-Key, sent again with it until every story is
 * answered, as a client should); with the default retention or every story kept (`keepAll`, as on MongoDB).
 * tasks/s from the first POST to the last story committed Done (the server's completion counter); checks
 * that every accepted story was counted Done once and nothing is left Open.
 */
import { randomUUID } from 'node:crypto';
import { io } from 'socket.io-client';
import type { StatsSample, StoryBatchResultDto, StoryListDto } from '@storyflow/contracts';
import { referenceStory, round, seededRandom, sleep } from '@storyflow/test-support';
import { metrics, postOnce } from './http-client.js';
import { concurrency, seed } from './options.js';
import { usage, watchMemory } from './proc-usage.js';
import { completedReached, histogramPercentiles, post, postLatency, storyWrites, withServer, type PostOutcome } from './server-run.js';

type Body = { tasks: { estimate: number }[] };

/**
 * Every Done story kept (no retention), as a MongoDB deployment has it; the in-memory stand-in given a heap that
 * holds them all (at its default 192 MB it takes ≈1,200 reference stories, then refuses more: full).
 */
export const KEEP_ALL = { RETENTION_DONE_SECONDS: '0', RETENTION_MAX_DONE_TASKS: '0', EMBEDDED_MEMORY_MB: '1024' };

export interface BurstOptions {
  /** Retry 503/429 after Retry-After (a well-behaved client). */
  retry: boolean;
  /** Stories per POST /api/stories/batch; 0: one POST /api/stories each. */
  batch?: number;
  keepAll?: boolean;
}

/** One batch, sent with its key until each story is stored or refused for good: an outcome per story. */
async function postBatch(base: string, bodies: Body[], retry: boolean): Promise<PostOutcome[]> {
  const t0 = performance.now();
  const json = JSON.stringify({ stories: bodies });
  const headers = { 'Idempotency-Key': randomUUID() };
  for (let retries = 0; ; retries++) {
    const res = await postOnce(base, json, '/api/stories/batch', headers);
    const dto = res.status < 300 ? (JSON.parse(res.text) as StoryBatchResultDto) : null;
    const waiting = dto ? dto.results.filter((r) => !r.ok && (r.status === 503 || r.status === 429)) : [];
    const again = dto ? waiting.length > 0 : res.status === 503 || res.status === 429;
    if (!retry || !again || retries >= 600) {
      const ms = performance.now() - t0;
      return bodies.map((b, i) => {
        const r = dto?.results[i];
        return r?.ok
          ? { status: 201, ms, retries, id: r.id, tasks: b.tasks.length }
          : { status: r ? r.status : res.status, ms, retries, tasks: b.tasks.length };
      });
    }
    const hint = dto ? Math.max(...waiting.map((r) => (r.ok ? 1 : (r.retryAfterSec ?? 1)))) : Number(res.retryAfter ?? '1');
    await sleep(Math.max(100, hint * 1000 * (0.5 + Math.random() / 2)));
  }
}

/**
 * Posts every body from `clients` clients (default: the bench's 64), one by one or in batches, each request to
 * the next of `urls` in turn; an outcome per story.
 */
export async function postAll(
  urls: string[],
  bodies: Body[],
  { retry, batch = 0, clients = concurrency }: BurstOptions & { clients?: number },
): Promise<PostOutcome[]> {
  const outcomes: PostOutcome[] = [];
  const step = Math.max(1, batch);
  let next = 0;
  let request = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < bodies.length) {
        const chunk = bodies.slice(next, (next += step));
        const url = urls[request++ % urls.length]!;
        if (batch) outcomes.push(...(await postBatch(url, chunk, retry)));
        else outcomes.push(await post(url, chunk[0]!, retry));
      }
    }),
  );
  return outcomes;
}

export async function burst(stories: number, options: BurstOptions) {
  return withServer(
    async (server, base) => {
      const pid = server.child.pid!;
      const random = seededRandom(seed + stories);
      const bodies = Array.from({ length: stories }, () => referenceStory(random));
      const tasks = bodies.reduce((n, b) => n + b.tasks.length, 0);
      let maxPool = 0;
      const socket = io(base, { transports: ['websocket'] });
      // Warm-up: a hundred stories first (the same way they are posted), so the burst measures the server, not V8 compiling it.
      const warm = seededRandom(seed - 1);
      await postAll(
        [base],
        Array.from({ length: 100 }, () => referenceStory(warm)),
        { ...options, retry: true },
      );
      await completedReached(base, 100, 60_000);
      await sleep(1500);
      socket.on('stats', (s: StatsSample) => (maxPool = Math.max(maxPool, s.poolSize)));
      const names = [
        'storyflow_stories_completed',
        'storyflow_stories_produced',
        'storyflow_db_operations_total',
        'storyflow_story_duration_seconds',
      ];
      const m0 = await metrics(base, names);
      const startCompleted = m0?.get('storyflow_stories_completed') ?? 0;
      const u0 = usage(pid);
      const memory = watchMemory(pid);
      const t0 = performance.now();
      const outcomes = await postAll([base], bodies, options);
      const postedAt = performance.now();
      const accepted = outcomes.filter((o) => o.status === 201);
      const end = await completedReached(base, startCompleted + accepted.length, 600_000);
      const u1 = usage(pid);
      const m1 = await metrics(base, names);
      const peak = memory();
      socket.close();
      // Exactly once: the creation and completion counters (the latter moved only by the conditional Open → Done
      // write) moved by exactly the stories accepted, a moment later too, and none is left Open.
      await sleep(1000);
      const m2 = await metrics(base, ['storyflow_stories_completed', 'storyflow_stories_produced']);
      const counted = (m2?.get('storyflow_stories_completed') ?? 0) - startCompleted;
      const produced = (m2?.get('storyflow_stories_produced') ?? 0) - (m0?.get('storyflow_stories_produced') ?? 0);
      const openAfter = ((await (await fetch(`${base}/api/stories?status=Open&limit=1`)).json()) as StoryListDto).total;
      const acceptedTasks = accepted.reduce((n, o) => n + o.tasks, 0);
      const seconds = (end - t0) / 1000;
      return {
        stories,
        ...(options.batch ? { batch: options.batch } : {}),
        retention: options.keepAll ? 'off (every story kept)' : 'default',
        tasks,
        accepted: accepted.length,
        errors: outcomes.length - accepted.length,
        retried503or429: outcomes.reduce((n, o) => n + o.retries, 0),
        doneExactlyOnce: counted === accepted.length && produced === accepted.length && openAfter === 0,
        producedCounted: produced,
        completedCounted: counted,
        openAfter,
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
    },
    options.keepAll ? KEEP_ALL : {},
  );
}
