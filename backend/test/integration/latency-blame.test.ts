import { describe, expect, it } from '@jest/globals';
import { latencyBlame, slowestStories, type LatencyBlame, type StatsSnapshot, type StoryDto } from '@storyflow/contracts';
import { uniqueDbName, waitFor } from '@storyflow/test-support';
import { connectDatabase } from '../../src/db/connection.js';
import { DbGate } from '../../src/db/db-gate.js';
import { startJongodb } from '../../src/db/jongodb.js';
import { isStandIn } from '../../src/db/server-kind.js';
import { createLogger } from '../../src/logger.js';
import type { Processor } from '../../src/processing/processor.js';
import { RecentTimings } from '../../src/stories/recent-timings.js';
import { StoryQueries } from '../../src/stories/story-queries.js';
import { newStoryDocument, StoryRepository } from '../../src/stories/story.repository.js';
import { storyModels } from '../../src/stories/story.model.js';
import { testDbUri } from '../support/test-db.js';
import { request, type Target } from '../support/http.js';
import { startTestServer } from '../support/test-server.js';

/**
 * Where slow stories' time went, per story (`timing` on GET /api/stories/:id) and per second (the samples' slowest stories): each
 * phase grows, and is named, when its cause is applied: a pool capped at 2 (waiting), long tasks (running), a database stopped
 * for a while (committing). Each story's phases add up to its latency.
 */

type Server = Awaited<ReturnType<typeof startTestServer>>;

/** Posts one-task stories of `estimate` ms at once; their ids. */
async function post(base: Target, count: number, estimate: number): Promise<string[]> {
  const created = await Promise.all(
    Array.from({ length: count }, () => request<StoryDto>(base, 'POST', '/api/stories', { tasks: [{ estimate }] })),
  );
  for (const res of created) expect(res.status).toBe(201);
  return created.map((res) => res.body.id);
}

/** Once all are Done: each story's timing (checked to add up to its latency), and the blame of the seconds the server holds. */
async function blameOf(base: Target, ids: string[]): Promise<{ stories: StoryDto[]; blame: LatencyBlame }> {
  const stories = await waitFor(
    async () => {
      const all = await Promise.all(ids.map(async (id) => (await request<StoryDto>(base, 'GET', `/api/stories/${id}`)).body));
      return all.every((s) => s.status === 'Done') && all;
    },
    { timeoutMs: 20_000, what: 'every story Done' },
  );
  for (const story of stories) {
    expect([story.id, story.timing === null]).toEqual([story.id, false]);
    const { waitingMs, runningMs, committingMs } = story.timing!;
    expect(Math.abs(waitingMs + runningMs + committingMs - story.processingMs!)).toBeLessThanOrEqual(5);
  }
  // The seconds in which they were stored Done are published within a second or so.
  const blame = await waitFor(
    async () => {
      const { history } = (await request<StatsSnapshot>(base, 'GET', '/api/stats')).body;
      const count = history.reduce((sum, s) => sum + (s.latency?.count ?? 0), 0);
      return count >= ids.length && latencyBlame(slowestStories(history.map((s) => s.slowStories)), count);
    },
    { timeoutMs: 5000, what: 'the seconds of their completions' },
  );
  return { stories, blame };
}

const mean = (stories: StoryDto[], phase: 'waitingMs' | 'runningMs' | 'committingMs') =>
  stories.reduce((sum, s) => sum + s.timing![phase], 0) / stories.length;

async function withServer<T>(env: Record<string, string>, run: (server: Server) => Promise<T>): Promise<T> {
  const server = await startTestServer({ RATE_LIMIT_PER_SEC: '0', ...env });
  try {
    return await run(server);
  } finally {
    await server.stop();
  }
}

describe('latency blame: each phase grows when its cause is applied', () => {
  it('a pool capped at 2 under a burst: the slow stories waited for a worker', async () => {
    const { stories, blame } = await withServer({ POOL_MIN: '1', POOL_MAX: '2' }, async (server) =>
      blameOf(server.httpServer, await post(server.httpServer, 80, 50)),
    );
    expect(blame).toMatchObject({ dominant: 'waiting' });
    expect(blame.share).toBeGreaterThan(0.8);
    // 80 × 50 ms on 2 workers: the last waited about two seconds.
    expect(mean(stories, 'waitingMs')).toBeGreaterThan(300);
    expect(Math.max(...stories.map((s) => s.timing!.waitingMs))).toBeGreaterThan(1000);
    expect(mean(stories, 'runningMs')).toBeLessThan(250); // 50 ms, and a timer late under load
  });

  it('long tasks on a pool that has room: the slow stories ran', async () => {
    const { stories, blame } = await withServer({}, async (server) => blameOf(server.httpServer, await post(server.httpServer, 4, 1500)));
    expect(blame).toMatchObject({ dominant: 'running' });
    expect(blame.share).toBeGreaterThan(0.8);
    expect(mean(stories, 'runningMs')).toBeGreaterThan(1400);
    expect(mean(stories, 'waitingMs')).toBeLessThan(300);
  });

  it('a database stopped while their tasks run: the slow stories waited for their commit', async () => {
    const db = await startJongodb();
    try {
      const { stories, blame } = await withServer({ MONGODB_URI: db.uri, DB_TIMEOUT_MS: '5000' }, async (server) => {
        const ids = await post(server.httpServer, 6, 200);
        process.kill(db.pid!, 'SIGSTOP');
        await new Promise((resolve) => setTimeout(resolve, 1500));
        process.kill(db.pid!, 'SIGCONT');
        return blameOf(server.httpServer, ids);
      });
      expect(blame).toMatchObject({ dominant: 'committing' });
      expect(blame.share).toBeGreaterThan(0.6);
      expect(Math.max(...stories.map((s) => s.timing!.committingMs))).toBeGreaterThan(1000);
    } finally {
      await db.stop();
    }
  });
});

describe("a story's timing where completions are written one per story (MongoDB)", () => {
  it('is stored with it: read back by any instance, after any restart, with nothing in memory', async () => {
    const connection = await connectDatabase(testDbUri(), uniqueDbName('timing'), 5000, createLogger({ level: 'silent', pretty: false }));
    try {
      expect(await isStandIn(connection)).toBe(true); // so the servers these tests start write completions in one shared write
      const gate = new DbGate(5000);
      const repository = new StoryRepository(storyModels(connection), gate, {
        listings: { concurrent: 1, queued: 4 },
        completions: 'each',
      });
      await repository.ensureIndexes();
      const createdAt = new Date(Date.now() - 1000);
      const doc = newStoryDocument({ title: 't', externalRef: null, estimates: [300], createdAt });
      expect(await repository.insertMany([doc])).toEqual([null]);
      const id = doc._id.toHexString();
      const now = createdAt.getTime() + 900;
      await repository.completeStories(
        [{ id, startedAt: createdAt.getTime() + 100, ranUntil: createdAt.getTime() + 850 }],
        'm',
        new Date(now),
      );
      // A server that never ran it: no processor figures, no moments in memory.
      const queries = new StoryQueries(repository, { progressOf: () => null } as unknown as Processor, () => null, new RecentTimings());
      const story = await queries.get(id);
      expect(story.timing).toEqual({ waitingMs: 100, runningMs: 750, committingMs: 50 });
      expect(story.processingMs).toBe(900);
    } finally {
      await connection.close();
    }
  });
});
