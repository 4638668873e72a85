/** What the scenarios share: a fresh server per run, posting with retries, the server's own counters. */
import { nearestRank, type StoryDto, type StoryListDto } from '@storyflow/contracts';
import { percentile, round, sleep, startBackend, type BackendProcess } from '@storyflow/test-support';
import { metrics, postOnce } from './http-client.js';
import { args, extraEnv } from './options.js';
import { phasesOf, summarizePhases } from './phases.js';

const sumWhere = (m: Map<string, number> | null, test: (key: string) => boolean) => {
  let n = 0;
  for (const [k, v] of m ?? []) if (test(k)) n += v;
  return n;
};

/** Writes to stories per story: inserts and updates of the `stories` collection (commands, not statements). */
export const storyWrites = (m: Map<string, number> | null) =>
  sumWhere(
    m,
    (k) => k.startsWith('storyflow_db_operations_total') && k.includes('collection="stories"') && /command="(insert|update)"/.test(k),
  );

/** Percentiles from a Prometheus histogram's bucket deltas: the bound of the bucket holding the percentile's rank (nearest rank). */
export function histogramPercentiles(before: Map<string, number> | null, after: Map<string, number> | null, name: string) {
  if (!after) return null;
  const buckets = [...after]
    .filter(([k]) => k.startsWith(`${name}_bucket`))
    .map(([k, v]) => ({
      le: Number(/le="([^"]+)"/.exec(k)?.[1] === '+Inf' ? Infinity : /le="([^"]+)"/.exec(k)?.[1]),
      n: v - (before?.get(k) ?? 0),
    }))
    .sort((a, b) => a.le - b.le);
  const total = buckets.at(-1)?.n ?? 0;
  const at = (p: number) => (total > 0 ? (buckets.find((b) => b.n >= nearestRank(p, total))?.le ?? null) : null);
  const ms = (s: number | null) => (s === null || !Number.isFinite(s) ? null : Math.round(s * 1000));
  return { p50: ms(at(50)), p95: ms(at(95)), p99: ms(at(99)), note: 'upper bound of the histogram bucket' };
}

export interface PostOutcome {
  status: number;
  ms: number;
  retries: number;
  id?: string;
  tasks: number;
}

/** POSTs a story; retries 429/503 after their Retry-After (a well-behaved client), up to a bound. */
export async function post(base: string, body: { tasks: { estimate: number }[] }, retry: boolean): Promise<PostOutcome> {
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
export function postLatency(outcomes: PostOutcome[]) {
  const ms = outcomes.map((o) => o.ms);
  return { p50: round(percentile(ms, 50)), p99: round(percentile(ms, 99)) };
}

/** Resolves when the server has completed `target` stories (polling its completion counter), with the time. */
export async function completedReached(base: string, target: number, timeoutMs: number): Promise<number> {
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
export async function storyPhases(base: string, outcomes: PostOutcome[]) {
  const stories = await Promise.all(outcomes.map(async (o) => (await fetch(`${base}/api/stories/${o.id}`)).json() as Promise<StoryDto>));
  return summarizePhases(stories.filter((s) => Array.isArray(s.tasks)).flatMap((s) => phasesOf(s) ?? []));
}

/** Runs `run` against a fresh server (the bench's settings, then `env`), stopped afterwards. */
export async function withServer<T>(
  run: (server: BackendProcess, base: string) => Promise<T>,
  env: Record<string, string> = {},
): Promise<T> {
  const server = await startBackend({
    env: {
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      EMBEDDED_DB: process.env.EMBEDDED_DB ?? 'memory',
      RATE_LIMIT_PER_SEC: '0',
      RATE_LIMIT_STORIES_PER_SEC: '0',
      ...extraEnv,
      ...env,
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
