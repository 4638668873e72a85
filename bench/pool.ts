/**
 * pool: the adaptive pool's wait for a worker on the real server, for each load shape of test-support's
 * LOAD_SHAPES (the same shapes the autoscaler's unit tests run on a fake clock). A fresh server per
 * shape; stories posted one per request at their Poisson arrival times; each story's wait is its stored
 * `startedAt − createdAt`. Reports the wait's p50/p99 (all, and from the second second on), the largest
 * pool seen, and how long after the load the pool was back at its minimum.
 */
import { io } from 'socket.io-client';
import type { StatsSample, StoryListDto } from '@storyflow/contracts';
import { arrivalsOf, LOAD_SHAPES, percentile, round, seededRandom, shapeLengthMs, sleep } from '@storyflow/test-support';
import { completedReached, post, withServer, type PostOutcome } from './server-run.js';

/** Stored waits (ms) of the stories `ids`, by id, read from the Done listing. */
async function storedWaits(base: string, ids: Set<string>): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (let page = 1; out.size < ids.size; page++) {
    const list = (await (await fetch(`${base}/api/stories?status=Done&limit=100&page=${page}`)).json()) as StoryListDto;
    if (!list.items.length) break;
    for (const s of list.items) if (ids.has(s.id) && s.startedAt !== null) out.set(s.id, Date.parse(s.startedAt) - Date.parse(s.createdAt));
  }
  return out;
}

async function poolShape(name: string, seed: number) {
  const phases = LOAD_SHAPES[name]!;
  const arrivals = arrivalsOf(phases, seededRandom(seed));
  // Every story kept until read back (the stand-in's default retention would purge the first ones).
  return withServer(
    async (_server, base) => {
      const samples: StatsSample[] = [];
      const socket = io(base, { transports: ['websocket'] });
      socket.on('stats', (s: StatsSample) => samples.push(s));
      const t0 = performance.now();
      const posted = await Promise.all(
        arrivals.map(async (a) => {
          await sleep(Math.max(0, t0 + a.at - performance.now()));
          const outcome: PostOutcome & { at: number } = {
            ...(await post(base, { tasks: a.estimates.map((estimate) => ({ estimate })) }, false)),
            at: a.at,
          };
          return outcome;
        }),
      );
      const accepted = posted.filter((o) => o.status === 201);
      await completedReached(base, accepted.length, 120_000);
      const loadEnd = performance.now();
      const waits = await storedWaits(base, new Set(accepted.map((o) => o.id!)));
      const all = accepted.flatMap((o) => (waits.has(o.id!) ? [waits.get(o.id!)!] : []));
      const steady = accepted.filter((o) => o.at >= 1000).flatMap((o) => (waits.has(o.id!) ? [waits.get(o.id!)!] : []));
      let backAtMinSec: number | null = null;
      while (performance.now() - loadEnd < 40_000 && backAtMinSec === null) {
        const last = samples.at(-1);
        if (last && last.poolSize <= 4 && last.t > Date.now() - 1500) backAtMinSec = round((performance.now() - loadEnd) / 1000, 1);
        else await sleep(250);
      }
      socket.close();
      return {
        shape: name,
        seconds: shapeLengthMs(phases) / 1000,
        stories: arrivals.length,
        accepted: accepted.length,
        waitMs: { p50: percentile(all, 50), p99: percentile(all, 99), max: Math.max(...all), of: all.length },
        waitAfterFirstSecondMs: { p50: percentile(steady, 50), p99: percentile(steady, 99) },
        maxPoolSize: Math.max(...samples.map((s) => s.poolSize)),
        poolBackAtMinAfterSec: backAtMinSec,
      };
    },
    { RETENTION_DONE_SECONDS: '600' },
  );
}

export type PoolRow = Awaited<ReturnType<typeof poolShape>>;

export async function poolWaits(seed: number): Promise<PoolRow[]> {
  const rows: PoolRow[] = [];
  for (const name of Object.keys(LOAD_SHAPES)) rows.push(await poolShape(name, seed));
  return rows;
}

export const poolRows = (rows: PoolRow[]) => [
  '| load shape (fresh server) | stories | wait for a worker p50 / p99 / max (ms) | p99 after the first second | largest pool | back at POOL_MIN after (s) |',
  '|---|---|---|---|---|---|',
  ...rows.map(
    (r) =>
      `| ${r.shape} | ${r.accepted} of ${r.stories} | ${r.waitMs.p50} / ${r.waitMs.p99} / ${r.waitMs.max} | ${r.waitAfterFirstSecondMs.p99} | ${r.maxPoolSize} | ${r.poolBackAtMinAfterSec ?? '> 40'} |`,
  ),
];
