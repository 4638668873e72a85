import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import mongoose from 'mongoose';
import { STORY_BATCH_MAX, type ApiErrorBody, type StoryBatchResultDto, type StoryDto } from '@storyflow/contracts';
import { waitFor } from '@storyflow/test-support';
import { request } from '../support/http.js';
import { startTestServer } from '../support/test-server.js';

/**
 * POST /api/stories/batch: many stories in one request, each validated and admitted on its own, one
 * insert, an answer per story in order; idempotent per story under the batch's key; rate-limited by stories.
 */
type Server = Awaited<ReturnType<typeof startTestServer>>;
let server: Server;
let small: Server;

beforeAll(async () => {
  server = await startTestServer({ RATE_LIMIT_STORIES_PER_SEC: '20', RATE_LIMIT_STORIES_BURST: '60' });
  // Room for 100 open tasks: a batch of larger stories is admitted in part.
  small = await startTestServer({ MAX_OPEN_TASKS: '100', MAX_TASKS: '100', RATE_LIMIT_PER_SEC: '0' });
});
afterAll(async () => {
  await small?.stop();
  await server?.stop();
});

const batch = (base: string, stories: unknown[], headers: Record<string, string> = {}) =>
  request<StoryBatchResultDto & ApiErrorBody>(base, 'POST', '/api/stories/batch', { stories }, headers);
const story = (base: string, id: string) => request<StoryDto>(base, 'GET', `/api/stories/${id}`);
const storedCount = async (s: Server, filter: Record<string, unknown>) => {
  const conn = await mongoose.createConnection(s.env.MONGODB_URI!, { dbName: s.env.MONGODB_DB! }).asPromise();
  try {
    return await conn.collection('stories').countDocuments(filter);
  } finally {
    await conn.close();
  }
};
const ids = (dto: StoryBatchResultDto) => dto.results.map((r) => (r.ok ? r.id : null));

describe('POST /api/stories/batch', () => {
  it('validates each story as a single create does: the good ones are stored, each bad one answers its own 400 (207)', async () => {
    const res = await batch(small.url, [
      { title: 'a', tasks: [{ estimate: 10 }] },
      { tasks: [] },
      { taskCount: 3, estimateMin: 10, estimateMax: 20 },
      { tasks: [{ estimate: 0 }], color: 'red' },
      'not a story',
    ]);
    expect(res.status).toBe(207);
    expect(res.body).toMatchObject({ created: 2, replayed: 0, failed: 3 });
    const [a, empty, generated, bad, text] = res.body.results;
    expect(a).toMatchObject({ ok: true, replayed: false });
    expect(generated).toMatchObject({ ok: true });
    expect(empty).toMatchObject({
      ok: false,
      status: 400,
      error: { code: 'validation_failed', details: [{ path: 'tasks', message: 'must have at least 1 task' }] },
    });
    expect(bad!.ok || bad!.error.details.map((d) => d.path).sort()).toEqual(['', 'tasks.0.estimate']);
    expect(text).toMatchObject({ ok: false, status: 400 });
    // The stored stories are the ones answered, and they run to Done.
    for (const id of ids(res.body).filter((x): x is string => x !== null))
      await waitFor(async () => (await story(small.url, id)).body.status === 'Done', { timeoutMs: 10_000, what: `story ${id} Done` });
    expect((await story(small.url, ids(res.body)[2]!)).body.taskCount).toBe(3);
  });

  it('stores when each story started with the story itself (exact, not derived from a later commit)', async () => {
    const single = await request<StoryDto>(small.url, 'POST', '/api/stories', { tasks: [{ estimate: 300 }] });
    const res = await batch(small.url, [{ tasks: [{ estimate: 300 }] }, { tasks: [{ estimate: 5 }, { estimate: 300 }] }]);
    const created = [single.body.id, ...ids(res.body)].map((id) => new mongoose.Types.ObjectId(id!));
    const conn = await mongoose.createConnection(small.env.MONGODB_URI!, { dbName: small.env.MONGODB_DB! }).asPromise();
    try {
      const docs = await conn
        .collection('stories')
        .find({ _id: { $in: created } })
        .toArray();
      expect(docs).toHaveLength(3);
      for (const doc of docs) {
        expect(doc.startedAt).toBeInstanceOf(Date);
        expect((doc.startedAt as Date).getTime() - (doc.createdAt as Date).getTime()).toBeLessThan(50);
      }
    } finally {
      await conn.close();
    }
    for (const id of created)
      await waitFor(async () => (await story(small.url, String(id))).body.status === 'Done', { timeoutMs: 10_000, what: 'done' });
  });

  it('refuses a malformed envelope whole (400 naming the field), and more than the maximum', async () => {
    for (const body of [null, [], {}, { stories: {} }, { stories: [] }, { stories: [{ tasks: [{ estimate: 1 }] }], extra: 1 }]) {
      const res = await request<ApiErrorBody>(small.url, 'POST', '/api/stories/batch', body);
      expect([JSON.stringify(body), res.status]).toEqual([JSON.stringify(body), 400]);
    }
    const tooMany = await batch(
      small.url,
      Array.from({ length: STORY_BATCH_MAX + 1 }, () => ({ tasks: [{ estimate: 1 }] })),
    );
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.details[0]).toMatchObject({ path: 'stories', message: `must have at most ${STORY_BATCH_MAX} stories` });
    expect((await request(small.url, 'GET', '/api/stories/batch')).status).toBe(405);
  });

  it('admits per story in one pass: those that fit are stored, the others answer 503 overloaded, never half a story', async () => {
    const long = (n: number) => ({ tasks: Array.from({ length: n }, () => ({ estimate: 2000 })) });
    // 100 tasks of room: 40 + 40 fit, the next 40 does not, a later 10 still does.
    const res = await batch(small.url, [long(40), long(40), long(40), long(10), long(40)]);
    expect(res.status).toBe(207);
    expect(res.body.results.map((r) => (r.ok ? 201 : r.status))).toEqual([201, 201, 503, 201, 503]);
    const refused = res.body.results[2]!;
    expect(refused).toMatchObject({ ok: false, status: 503, retryAfterSec: expect.any(Number), error: { code: 'overloaded' } });
    const stored = ids(res.body).filter((x): x is string => x !== null);
    expect(await storedCount(small, { _id: { $in: stored.map((id) => new mongoose.Types.ObjectId(id)) } })).toBe(3);
    // Nothing else was counted: once these are done, the whole room is back.
    for (const id of stored)
      await waitFor(async () => (await story(small.url, id)).body.status === 'Done', { timeoutMs: 15_000, what: 'done' });
    const again = await batch(small.url, [long(50), long(50)]);
    expect(again.status).toBe(201);
    for (const id of ids(again.body))
      await waitFor(async () => (await story(small.url, id!)).body.status === 'Done', { timeoutMs: 15_000, what: 'done' });
  });

  it('with an Idempotency-Key: a retry replays what is stored and creates only the rest; another request with the key is a 422', async () => {
    const key = randomUUID();
    const long = (n: number) => ({ tasks: Array.from({ length: n }, () => ({ estimate: 1500 })) });
    const stories = [long(60), long(60), { tasks: [{ estimate: 5 }] }];
    const first = await batch(small.url, stories, { 'Idempotency-Key': key });
    expect(first.body.results.map((r) => (r.ok ? 201 : r.status))).toEqual([201, 503, 201]);
    // Sent again at once: nothing stored twice, the refused one still waits for room.
    const retry = await batch(small.url, stories, { 'Idempotency-Key': key });
    expect(retry.status).toBe(207);
    expect(ids(retry.body)[0]).toBe(ids(first.body)[0]);
    expect(ids(retry.body)[2]).toBe(ids(first.body)[2]);
    expect(retry.body.replayed).toBe(2);
    // Once there is room the retry completes the batch: 201, two replays and one new story.
    await waitFor(async () => (await story(small.url, ids(first.body)[0]!)).body.status === 'Done', { timeoutMs: 10_000, what: 'room' });
    const done = await batch(small.url, stories, { 'Idempotency-Key': key });
    expect(done.status).toBe(201);
    expect(done.body).toMatchObject({ created: 1, replayed: 2, failed: 0 });
    const all = await batch(small.url, stories, { 'Idempotency-Key': key });
    expect([all.status, all.header['idempotent-replayed']]).toEqual([200, 'true']);
    expect(ids(all.body)).toEqual(ids(done.body));
    expect(await storedCount(small, { idempotencyKey: { $regex: `^${key}#` } })).toBe(3);
    const other = await batch(small.url, [{ tasks: [{ estimate: 6 }] }], { 'Idempotency-Key': key });
    expect([other.status, other.body.error.code]).toEqual([422, 'idempotency_key_reused']);
    // The room back for the next test.
    for (const id of ids(all.body))
      await waitFor(async () => (await story(small.url, id!)).body.status === 'Done', { timeoutMs: 15_000, what: 'done' });
  });

  it('stores each story once when the same keyed batch races itself', async () => {
    const key = randomUUID();
    const stories = Array.from({ length: 20 }, (_, i) => ({ title: `race ${i}`, tasks: [{ estimate: 5 }] }));
    const answers = await Promise.all(Array.from({ length: 4 }, () => batch(small.url, stories, { 'Idempotency-Key': key })));
    for (const a of answers) expect([200, 201]).toContain(a.status);
    for (const a of answers) expect(ids(a.body)).toEqual(ids(answers[0]!.body));
    expect(await storedCount(small, { idempotencyKey: { $regex: `^${key}#` } })).toBe(20);
  });

  it('is rate-limited by stories, not requests: 429 with Retry-After once the stories exceed the budget', async () => {
    const one = { tasks: [{ estimate: 1 }] };
    const first = await batch(
      server.url,
      Array.from({ length: 50 }, () => one),
    );
    expect([first.status, first.body.error]).toEqual([201, undefined]);
    const over = await batch(
      server.url,
      Array.from({ length: 20 }, () => one),
    );
    expect(over.status).toBe(429);
    expect(Number(over.header['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(over.body.error.code).toBe('rate_limited');
    // A refused batch spent nothing; single creates spend the same budget, a story each.
    for (let i = 0; i < 10; i++) expect((await request(server.url, 'POST', '/api/stories', one)).status).toBe(201);
    expect((await request(server.url, 'POST', '/api/stories', one)).status).toBe(429);
    const tooBig = await batch(
      server.url,
      Array.from({ length: 61 }, () => one),
    );
    expect([tooBig.status, tooBig.body.error.message]).toEqual([429, expect.stringMatching(/exceed the budget of 60/)]);
  });
});
