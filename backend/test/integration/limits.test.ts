import { request as httpRequest } from 'node:http';
import { describe, expect, it } from '@jest/globals';
import type { ApiErrorBody } from '@storyflow/contracts';
import { sleep, waitFor } from '@storyflow/test-support';
import { api, request } from '../support/http.js';
import { startTestServer } from '../support/test-server.js';

const bigStory = { taskCount: 1000, estimateMin: 60_000, estimateMax: 60_000 };

describe('rate limits per client address', () => {
  it('answers 429 with Retry-After and RateLimit headers beyond the burst; other addresses are not affected', async () => {
    const server = await startTestServer({ RATE_LIMIT_PER_SEC: '5', RATE_LIMIT_BURST: '10' });
    try {
      const post = (headers?: Record<string, string>) =>
        request<ApiErrorBody>(server.url, 'POST', '/api/stories', { tasks: [{ estimate: 1 }] }, headers);
      const first = await post();
      expect(first.status).toBe(201);
      expect(first.header['ratelimit-policy']).toMatch(/q=10; w=2/);
      for (let i = 1; i < 10; i++) expect((await post()).status).toBe(201);
      const limited = await post();
      expect(limited.status).toBe(429);
      expect(limited.body.error.code).toBe('rate_limited');
      expect(Number(limited.header['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(limited.header['retry-after'])).toBeLessThanOrEqual(2);
      expect(limited.header['ratelimit']).toMatch(/r=0/);
      // Behind the project's nginx (a trusted loopback proxy) the address it reports is the client.
      expect((await post({ 'x-forwarded-for': '203.0.113.9' })).status).toBe(201);
      // Reads have their own, larger budget.
      expect((await api(server.url).list()).status).toBe(200);
      // The client may go on again by the time Retry-After named (polled: a refused attempt takes no token).
      const refusedAt = Date.now();
      await waitFor(async () => (await post()).status === 201, { timeoutMs: 5_000, intervalMs: 100, what: 'admitted again' });
      expect(Date.now() - refusedAt).toBeLessThanOrEqual(Number(limited.header['retry-after']) * 1000 + 500);
    } finally {
      await server.stop();
    }
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy (no escaping the limit by spoofing)', async () => {
    const server = await startTestServer({ RATE_LIMIT_PER_SEC: '1', RATE_LIMIT_BURST: '2', TRUST_PROXY: '10.255.255.1' });
    try {
      const statuses = [];
      for (let i = 0; i < 4; i++)
        statuses.push(
          (await request(server.url, 'POST', '/api/stories', { tasks: [{ estimate: 1 }] }, { 'x-forwarded-for': `198.51.100.${i}` }))
            .status,
        );
      expect(statuses).toEqual([201, 201, 429, 429]);
    } finally {
      await server.stop();
    }
  });

  it('lets the original client and the dashboard generator run unthrottled at their rates with the defaults', async () => {
    const server = await startTestServer();
    try {
      // Both from one address at once: a job and a story every 50 ms each (the fast end of 50–100 ms), for 3 s.
      // Sent on that schedule whether or not the answers are back: the load is the reference rate however
      // fast this machine answers (a slow answer only bunches the requests up, which is harder on the limit).
      const run = (path: string, body: unknown) =>
        Promise.all(
          Array.from({ length: 60 }, async (_, i) => {
            await sleep(i * 50);
            return (await request(server.url, 'POST', path, body)).status;
          }),
        );
      const [jobs, stories] = await Promise.all([
        run('/api/jobs', { id: 1, tasks: [{ id: 1, estimate: 10 }] }),
        run('/api/stories', { taskCount: 20, estimateMin: 10, estimateMax: 20 }),
      ]);
      expect(jobs.length + stories.length).toBe(120);
      expect([...jobs, ...stories].every((s) => s === 201)).toBe(true);
    } finally {
      await server.stop();
    }
  });
});

describe('bounded work (admission control)', () => {
  it('refuses work above MAX_OPEN_TASKS with 503 and Retry-After, stores nothing, and admits again once work leaves', async () => {
    const server = await startTestServer({ MAX_OPEN_TASKS: '2000' });
    try {
      const a = await api(server.url).createStory(bigStory);
      const b = await api(server.url).createStory(bigStory);
      expect([a.status, b.status]).toEqual([201, 201]);
      const refused = await request<ApiErrorBody>(server.url, 'POST', '/api/stories', bigStory);
      expect(refused.status).toBe(503);
      expect(refused.body.error.code).toBe('overloaded');
      expect(refused.body.error.message).toContain('limit of 2000');
      expect(Number(refused.header['retry-after'])).toBeGreaterThanOrEqual(1);
      expect((await api(server.url).list()).body.total).toBe(2);
      // Even a one-task story is refused while the bound is reached…
      expect((await api(server.url).createStory({ tasks: [{ estimate: 1 }] })).status).toBe(503);
      // …before its body is read: a flood of large bodies costs a full server no memory.
      expect(await statusBeforeBody(`${server.url}/api/stories`)).toBe(503);
      expect(await statusBeforeBody(`${server.url}/api/jobs`)).toBe(503);
      // …and admitted once a big story is deleted.
      expect((await api(server.url).deleteStory(a.body.id)).status).toBe(200);
      expect((await api(server.url).createStory({ tasks: [{ estimate: 1 }] })).status).toBe(201);
    } finally {
      await server.stop();
    }
  });

  it('bounds Open stories as well (MAX_OPEN_STORIES): tiny stories cannot pile up documents', async () => {
    const server = await startTestServer({ MAX_OPEN_STORIES: '3' });
    try {
      const tiny = { tasks: [{ estimate: 60_000 }] };
      for (let i = 0; i < 3; i++) expect((await api(server.url).createStory(tiny)).status).toBe(201);
      const refused = await request<ApiErrorBody>(server.url, 'POST', '/api/stories', tiny);
      expect([refused.status, refused.body.error.code]).toEqual([503, 'overloaded']);
      expect(refused.body.error.message).toContain('3 open stories, its limit');
      expect(Number(refused.header['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(await statusBeforeBody(`${server.url}/api/stories`)).toBe(503);
      expect((await api(server.url).list()).body.total).toBe(3);
    } finally {
      await server.stop();
    }
  });

  it('admits a burst of 2,000 reference stories at once with the defaults', async () => {
    const server = await startTestServer({ RATE_LIMIT_PER_SEC: '0', POOL_MIN: '1', POOL_MAX: '1' });
    try {
      const statuses = await Promise.all(
        Array.from({ length: 2000 }, (_, i) =>
          request(server.url, 'POST', '/api/stories', { taskCount: 20 + (i % 61), estimateMin: 10, estimateMax: 20 }).then((r) => r.status),
        ),
      );
      expect(statuses.filter((s) => s !== 201)).toEqual([]);
    } finally {
      await server.stop();
    }
  }, 120_000);
});

describe('fair share', () => {
  it('a one-task 5 ms story posted after ten maximum-size stories is Done within a second', async () => {
    const server = await startTestServer();
    try {
      for (let i = 0; i < 10; i++) expect((await api(server.url).createStory(bigStory)).status).toBe(201);
      const small = (await api(server.url).createStory({ tasks: [{ estimate: 5 }] })).body;
      const done = await waitFor(
        async () => {
          const s = (await api(server.url).getStory(small.id)).body;
          return s.status === 'Done' && s;
        },
        { timeoutMs: 1000, intervalMs: 20 },
      );
      expect(done.processingMs).toBeLessThan(1000);
    } finally {
      await server.stop();
    }
  });

  it('deleting an Open story frees its running workers at once', async () => {
    const server = await startTestServer({ POOL_MIN: '10', POOL_MAX: '10' });
    try {
      const big = (await api(server.url).createStory({ taskCount: 50, estimateMin: 60_000, estimateMax: 60_000 })).body;
      await waitFor(async () => (await api(server.url).stats()).body.history.at(-1)?.busyWorkers === 9);
      expect((await api(server.url).deleteStory(big.id)).status).toBe(200);
      const after = await waitFor(
        async () => {
          const s = (await api(server.url).stats()).body.history.at(-1);
          return s && s.busyWorkers === 0 && s.backlogTasks === 0 && s;
        },
        { timeoutMs: 3000 },
      );
      expect(after.open).toBe(0);
    } finally {
      await server.stop();
    }
  });
});

/** Sends a POST's headers and the start of a 20 kB body, then waits: the status of an answer given before the body is read. */
function statusBeforeBody(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': '20000' } });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode!);
      req.destroy();
    });
    req.on('error', reject);
    req.setTimeout(5000, () => reject(new Error('no answer: the server waits for the body')));
    req.write('{"tasks":[');
  });
}
