import { describe, expect, it } from '@jest/globals';
import type { HealthDto, StatsSnapshot, StoryListDto } from '@storyflow/contracts';
import { startJongodb } from '../../src/db/jongodb.js';
import { sleep, startBackend, waitFor } from '@storyflow/test-support';
import { request } from '../support/http.js';
import { testEnv } from '../support/test-server.js';

const DB_TIMEOUT_MS = 2000;

describe('a database that hangs (SIGSTOP) under load', () => {
  it('answers 503 within DB_TIMEOUT_MS + 1 s, reports it, and recovers after SIGCONT with nothing lost', async () => {
    const db = await startJongodb();
    const server = await startBackend({ env: testEnv({ MONGODB_URI: db.uri, DB_TIMEOUT_MS: String(DB_TIMEOUT_MS), LOG_LEVEL: 'warn' }) });
    const accepted: string[] = [];
    const slowest503: number[] = [];
    let other = 0;
    let running = true;
    const load = (async () => {
      while (running) {
        const started = Date.now();
        const res = await request<{ id: string }>(server.url, 'POST', '/api/stories', { taskCount: 30, estimateMin: 10, estimateMax: 20 });
        if (res.status === 201) accepted.push(res.body.id);
        else if (res.status === 503) slowest503.push(Date.now() - started);
        else other++;
        await sleep(20); // a steady load, not a wait for a result
      }
    })();
    try {
      await waitFor(() => accepted.length >= 20);
      process.kill(db.pid!, 'SIGSTOP');
      const stoppedAt = Date.now();
      // Health turns 503 about as fast as requests do.
      await waitFor(async () => (await request<HealthDto>(server.url, 'GET', '/api/health')).status === 503, {
        timeoutMs: DB_TIMEOUT_MS + 1500,
        intervalMs: 50,
      });
      expect(Date.now() - stoppedAt).toBeLessThan(DB_TIMEOUT_MS + 1500);
      // The load goes on meanwhile: creates keep being answered 503, each within the deadline (checked below).
      const refusedBefore = slowest503.length;
      await waitFor(() => slowest503.length >= refusedBefore + 5, {
        timeoutMs: 5 * (DB_TIMEOUT_MS + 1000),
        what: 'creates answered 503',
      });
      // Reads too: 503 at once while the database is known to hang.
      const started = Date.now();
      expect((await request(server.url, 'GET', '/api/stories')).status).toBe(503);
      expect(Date.now() - started).toBeLessThan(DB_TIMEOUT_MS + 1000);

      process.kill(db.pid!, 'SIGCONT');
      await waitFor(async () => (await request(server.url, 'GET', '/api/health')).status === 200, { timeoutMs: 10_000 });
      const acceptedBefore = accepted.length;
      await waitFor(() => accepted.length > acceptedBefore + 10, { timeoutMs: 10_000 });
      running = false;
      await load;

      expect(slowest503.length).toBeGreaterThan(0);
      expect(Math.max(...slowest503)).toBeLessThan(DB_TIMEOUT_MS + 1000);
      expect(other).toBe(0);
      // Nothing lost: every accepted story ends Done, and the counters agree with the database.
      // A create that timed out may still have landed when the database woke: it is found and taken on
      // (counted and run), so in the end memory and database agree.
      const settled = await waitFor(
        async () => {
          const last = (await request<StatsSnapshot>(server.url, 'GET', '/api/stats')).body.history.at(-1);
          const stored = (await request<StoryListDto>(server.url, 'GET', '/api/stories?limit=1')).body.counts;
          return last && last.open === 0 && stored.Open === 0 && last.completed === stored.Done && last;
        },
        { timeoutMs: 30_000 },
      );
      const open = await request<StoryListDto>(server.url, 'GET', '/api/stories?status=Open&limit=1');
      const done = await request<StoryListDto>(server.url, 'GET', '/api/stories?status=Done&limit=100');
      expect(open.body.total).toBe(0);
      expect(done.body.total).toBe(settled.completed);
      expect(done.body.total).toBeGreaterThanOrEqual(accepted.length);
      const doneIds = new Set<string>();
      for (let page = 1; page <= Math.ceil(done.body.total / 100); page++) {
        const list = await request<StoryListDto>(server.url, 'GET', `/api/stories?status=Done&limit=100&page=${page}`);
        for (const s of list.body.items) doneIds.add(s.id);
      }
      expect(accepted.filter((id) => !doneIds.has(id))).toEqual([]);
    } finally {
      running = false;
      await load;
      try {
        process.kill(db.pid!, 'SIGCONT');
      } catch {
        // already gone
      }
      server.signal('SIGTERM');
      await server.exited;
      await db.stop();
    }
  }, 90_000);
});
