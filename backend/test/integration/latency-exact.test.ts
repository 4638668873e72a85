import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  latencyOverRange,
  nearestRank,
  type HealthDto,
  type StatsHistoryDto,
  type StatsSnapshot,
  type StoryDto,
} from '@storyflow/contracts';
import { startBackend, startRedis, uniqueDbName, waitFor } from '@storyflow/test-support';
import { request, type Target } from '../support/http.js';
import { testDbUri } from '../support/test-db.js';
import { startTestServer } from '../support/test-server.js';

// Stories of known duration (one task each), as the operator saw them: a p99 of 5,009 ms read as 10,000.
const DURATIONS = [...new Array<number>(6).fill(300), ...new Array<number>(3).fill(1_234), 5_009];
const WITHIN = 0.02;

let server: Awaited<ReturnType<typeof startTestServer>>;
let base: Target;

beforeAll(async () => {
  server = await startTestServer({ SLO_STORY_P99_MS: '6000', SLO_WINDOW_SECONDS: '60' });
  base = server.httpServer;
});
afterAll(() => server?.stop());

const near = (shown: number, truth: number) => Math.abs(shown - truth) / truth;

describe('every percentile shown is within 2 % of the truth from the stored timestamps', () => {
  it('the live window, the objective, and the persisted history; the latest second exact', async () => {
    const ids = await Promise.all(
      DURATIONS.map(async (estimate) => (await request<StoryDto>(base, 'POST', '/api/stories', { tasks: [{ estimate }] })).body.id),
    );
    await expectExactPercentiles(base, ids);
  }, 40_000);

  it("the same across two instances (cluster mode): each shows the cluster's, merged from both", async () => {
    const redis = await startRedis();
    const env = {
      MONGODB_URI: testDbUri(),
      MONGODB_DB: uniqueDbName('exact'),
      REDIS_URL: redis.url,
      RATE_LIMIT_PER_SEC: '0',
      SLO_STORY_P99_MS: '6000',
      SLO_WINDOW_SECONDS: '60',
    };
    const instances = [
      await startBackend({ env: { ...env, INSTANCE_ID: 'a' } }),
      await startBackend({ env: { ...env, INSTANCE_ID: 'b' } }),
    ];
    try {
      // Half the stories to each: every figure either shows merges both instances' latencies.
      const ids = await Promise.all(
        DURATIONS.map(
          async (estimate, i) =>
            (await request<StoryDto>(instances[i % 2]!.url, 'POST', '/api/stories', { tasks: [{ estimate }] })).body.id,
        ),
      );
      for (const instance of instances) await expectExactPercentiles(instance.url, ids);
    } finally {
      for (const instance of instances) await instance.stop();
      await redis.stop();
    }
  }, 60_000);
});

/** Once the stories are Done: the percentiles `base` shows, in every figure, against those of their stored timestamps. */
async function expectExactPercentiles(base: Target, ids: string[]): Promise<void> {
  const stories = await waitFor(
    async () => {
      const all = await Promise.all(ids.map(async (id) => (await request<StoryDto>(base, 'GET', `/api/stories/${id}`)).body));
      return all.every((s) => s.status === 'Done') && all;
    },
    { timeoutMs: 15_000, what: 'every story Done' },
  );
  const truth = stories.map((s) => Date.parse(s.completedAt!) - Date.parse(s.createdAt)).sort((a, b) => a - b);
  const at = (p: number) => truth[nearestRank(p, truth.length) - 1]!;

  // The live window (what the stats screen and the header alert read): every second's latencies merged.
  // (The second the last story finished in is sampled at its end.)
  const snapshot = await waitFor(async () => {
    const body = (await request<StatsSnapshot>(base, 'GET', '/api/stats')).body;
    return latencyOverRange(body.history.map((s) => s.latency))?.count === DURATIONS.length && body;
  });
  const window = latencyOverRange(snapshot.history.map((s) => s.latency))!;
  expect(window.approximate).toBeUndefined();
  for (const p of [50, 95, 99] as const) expect(near(window[`p${p}`], at(p))).toBeLessThan(WITHIN);
  expect(near(window.p99, 5_009)).toBeLessThan(WITHIN); // not the 10,000 ms bucket bound

  // The latest second with Done stories: its own stories' exact percentiles.
  const latest = [...snapshot.history].reverse().find((s) => s.latency)!.latency!;
  expect(near(latest.p99, at(100))).toBeLessThan(WITHIN);

  // The objective (health, the header alert, the webhook): the window's p99.
  const slo = (await request<HealthDto>(base, 'GET', '/api/health')).body.slo!;
  expect(near(slo[0]!.value!, at(99))).toBeLessThan(WITHIN);

  // The persisted history (written every 5 s), at one-second and at five-second steps.
  for (const range of ['1m', '15m'] as const) {
    const history = await waitFor(
      async () => {
        const body = (await request<StatsHistoryDto>(base, 'GET', `/api/stats/history?range=${range}`)).body;
        const counted = body.points.reduce((n, p) => n + (p.latency?.count ?? 0), 0);
        return counted === DURATIONS.length && body;
      },
      { timeoutMs: 15_000, what: `the stories in the ${range} history` },
    );
    const overRange = latencyOverRange(history.points.map((p) => p.latency))!;
    for (const p of [50, 95, 99] as const) expect(near(overRange[`p${p}`], at(p))).toBeLessThan(WITHIN);
  }
}
