import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import mongoose from 'mongoose';
import type { ApiErrorBody, StoryBatchResultDto, StoryDto, StoryListDto } from '@storyflow/contracts';
import { sleep, startBackend, waitFor } from '@storyflow/test-support';
import { startJongodb } from '../../src/db/jongodb.js';
import { because } from '../support/because.js';
import { request } from '../support/http.js';
import { startTestServer, testEnv } from '../support/test-server.js';

/**
 * Idempotent creates (IETF draft "The Idempotency-Key HTTP Header Field", Stripe's API): the key lives with
 * the story under a unique index, so a retried create finds the story its first attempt stored, whatever
 * instance answers and however the requests race.
 */

let server: Awaited<ReturnType<typeof startTestServer>>;
let other: Awaited<ReturnType<typeof startTestServer>>;

beforeAll(async () => {
  server = await startTestServer();
  // A second server on the same database: what one stored, the other finds.
  other = await startTestServer({ MONGODB_DB: server.env.MONGODB_DB! });
});
afterAll(async () => {
  await other?.stop();
  await server?.stop();
});

const post = (base: string, body: unknown, key: string, path = '/api/stories') =>
  request<StoryDto & ApiErrorBody>(base, 'POST', path, body, { 'Idempotency-Key': key });
const storedWithKey = async (key: string) => {
  const conn = await mongoose.createConnection(server.env.MONGODB_URI!, { dbName: server.env.MONGODB_DB! }).asPromise();
  try {
    return await conn.collection('stories').countDocuments({ idempotencyKey: key });
  } finally {
    await conn.close();
  }
};

describe('POST /api/stories with an Idempotency-Key', () => {
  it('answers a repeat with the first story (200, Idempotent-Replayed), never a second one', async () => {
    const key = randomUUID();
    const body = { title: 'once', taskCount: 5, estimateMin: 10, estimateMax: 20 };
    const first = await post(server.url, body, key);
    expect(first.status).toBe(201);
    expect(first.header['idempotent-replayed']).toBeUndefined();
    const again = await post(server.url, body, key);
    expect(again.status).toBe(200);
    expect(again.header['idempotent-replayed']).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    // The generated estimates are the first request's, not drawn again.
    expect(again.body.tasks.map((t) => t.estimate)).toEqual(first.body.tasks.map((t) => t.estimate));
    // On another instance too: the key is in the database, not in one process.
    const elsewhere = await post(other.url, body, key);
    expect([elsewhere.status, elsewhere.body.id]).toEqual([200, first.body.id]);
    expect(await storedWithKey(key)).toBe(1);
  });

  it('refuses the same key with another request (422), and a malformed key (400)', async () => {
    const key = randomUUID();
    expect((await post(server.url, { tasks: [{ estimate: 5 }] }, key)).status).toBe(201);
    const reused = await post(server.url, { tasks: [{ estimate: 6 }] }, key);
    expect(reused.status).toBe(422);
    expect(reused.body.error.code).toBe('idempotency_key_reused');
    // The legacy client's endpoint is another request, even with the same key.
    const legacy = await post(server.url, { id: 1, tasks: [{ id: 1, estimate: 5 }] }, key, '/api/jobs');
    expect(legacy.status).toBe(422);
    for (const bad of ['', 'a b', 'x'.repeat(256), 'é']) {
      const res = await request<ApiErrorBody>(server.url, 'POST', '/api/stories', { tasks: [{ estimate: 5 }] }, { 'Idempotency-Key': bad });
      because(JSON.stringify(bad), () => {
        expect(res.status).toBe(400);
        expect(res.body.error.details[0]?.path).toBe('Idempotency-Key');
      });
    }
  });

  it('creates one story for concurrent requests with one key, on two instances at once', async () => {
    const key = randomUUID();
    const body = { tasks: [{ estimate: 50 }, { estimate: 60 }] };
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => post(i % 2 ? other.url : server.url, body, key)));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(19);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(await storedWithKey(key)).toBe(1);
  });

  it('takes a key again once its story is older than 24 h, or gone', async () => {
    const key = randomUUID();
    const first = await post(server.url, { tasks: [{ estimate: 5 }] }, key);
    const conn = await mongoose.createConnection(server.env.MONGODB_URI!, { dbName: server.env.MONGODB_DB! }).asPromise();
    try {
      await conn.collection('stories').updateOne({ idempotencyKey: key }, { $set: { createdAt: new Date(Date.now() - 25 * 3600_000) } });
    } finally {
      await conn.close();
    }
    const later = await post(server.url, { tasks: [{ estimate: 7 }] }, key);
    expect(later.status).toBe(201);
    expect(later.body.id).not.toBe(first.body.id);
    await waitFor(async () => (await request<StoryDto>(server.url, 'GET', `/api/stories/${later.body.id}`)).body.status === 'Done');
    expect((await request(server.url, 'DELETE', `/api/stories/${later.body.id}`)).status).toBe(200);
    expect((await post(server.url, { tasks: [{ estimate: 8 }] }, key)).status).toBe(201);
  });
});

describe('clients retrying every 503 with their key while the database hangs', () => {
  it('store each request once: a create that timed out but landed is what the retry gets', async () => {
    const db = await startJongodb();
    const backend = await startBackend({
      env: testEnv({ MONGODB_URI: db.uri, DB_TIMEOUT_MS: '1500', LOG_LEVEL: 'warn', RATE_LIMIT_PER_SEC: '0' }),
    });
    const outcomes = new Map<string, string>();
    let running = true;
    const client = async () => {
      while (running) {
        const key = randomUUID();
        for (;;) {
          const res = await post(backend.url, { title: key, taskCount: 3, estimateMin: 5, estimateMax: 10 }, key);
          if (res.status === 201 || res.status === 200) {
            outcomes.set(key, res.body.id);
            break;
          }
          expect(res.status).toBe(503);
          await sleep(200);
        }
      }
    };
    try {
      const clients = Array.from({ length: 6 }, client);
      await waitFor(() => outcomes.size >= 30);
      process.kill(db.pid!, 'SIGSTOP');
      await sleep(3000);
      process.kill(db.pid!, 'SIGCONT');
      const before = outcomes.size;
      await waitFor(() => outcomes.size >= before + 30, { timeoutMs: 20_000 });
      running = false;
      await Promise.all(clients);
      // Every stored story is one request's; none twice (the title is the request's key, written by the test).
      const all = await waitFor(async () => {
        const list = (await request<StoryListDto>(backend.url, 'GET', '/api/stories?limit=100')).body;
        return list.counts.Open === 0 && list;
      });
      const titles: string[] = [];
      for (let page = 1; page <= Math.ceil(all.total / 100); page++)
        titles.push(
          ...(await request<StoryListDto>(backend.url, 'GET', `/api/stories?limit=100&page=${page}`)).body.items.map((s) => s.title!),
        );
      expect(titles.length - new Set(titles).size).toBe(0);
      expect([...outcomes.keys()].filter((key) => !titles.includes(key))).toEqual([]);
    } finally {
      running = false;
      await backend.stop();
      await db.stop();
    }
  }, 90_000);
});

describe('an Idempotency-Key outlives its story when retention purges it', () => {
  let purging: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    purging = await startTestServer({ RETENTION_DONE_SECONDS: '1', RETENTION_SWEEP_MS: '100' });
  });
  afterAll(() => purging?.stop());

  const gone = (id: string) =>
    waitFor(async () => (await request(purging.url, 'GET', `/api/stories/${id}`)).status === 404, {
      timeoutMs: 15_000,
      what: `story ${id} purged`,
    });
  const stored = async (filter: Record<string, unknown>) => {
    const conn = await mongoose.createConnection(purging.env.MONGODB_URI!, { dbName: purging.env.MONGODB_DB! }).asPromise();
    try {
      return await conn.collection('stories').countDocuments(filter);
    } finally {
      await conn.close();
    }
  };

  it('a single create sent again after its story was purged is not made again: 410 purged, naming it', async () => {
    const key = randomUUID();
    const body = { title: `purged ${key}`, tasks: [{ estimate: 5 }] };
    const first = await post(purging.url, body, key);
    expect(first.status).toBe(201);
    await gone(first.body.id);
    const again = await post(purging.url, body, key);
    expect([again.status, again.body.error.code]).toEqual([410, 'purged']);
    expect(again.body.error.message).toContain(first.body.id);
    expect(await stored({ title: body.title })).toBe(0);
    // Another request with the key is still another request.
    expect((await post(purging.url, { tasks: [{ estimate: 6 }] }, key)).status).toBe(422);
  });

  it('a batch sent again after some of its stories were purged replays them and makes only the rest', async () => {
    const key = randomUUID();
    const stories = [
      { title: `b0 ${key}`, tasks: [{ estimate: 5 }] },
      { title: `b1 ${key}`, tasks: [{ estimate: 5 }] },
    ];
    const first = await request<StoryBatchResultDto>(purging.url, 'POST', '/api/stories/batch', { stories }, { 'Idempotency-Key': key });
    expect(first.status).toBe(201);
    const ids = first.body.results.map((r) => (r.ok ? r.id : ''));
    for (const id of ids) await gone(id);
    const again = await request<StoryBatchResultDto>(purging.url, 'POST', '/api/stories/batch', { stories }, { 'Idempotency-Key': key });
    expect([again.status, again.header['idempotent-replayed']]).toEqual([200, 'true']);
    expect(again.body.results).toEqual(ids.map((id) => ({ ok: true, id, replayed: true })));
    expect(await stored({ title: { $in: stories.map((s) => s.title) } })).toBe(0);
  });
});
