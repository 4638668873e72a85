import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEFAULT_STORY_LIMITS, type ApiErrorBody, type HealthDto, type StoryDto, type StoryLimits } from '@storyflow/contracts';
import { waitFor } from '@storyflow/test-support';
import { api, request, type Method, type Target } from '../support/http.js';
import { startTestServer } from '../support/test-server.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
/** The composed server (express app, real database) driven in-process by supertest. */
let base: Target;

beforeAll(async () => {
  server = await startTestServer({ MAX_TASKS: '1000', BODY_LIMIT: '64kb' });
  base = server.httpServer;
});
afterAll(() => server?.stop());

const done = (id: string) =>
  waitFor(async () => {
    const r = await api(base).getStory(id);
    return r.body.status === 'Done' && r.body;
  });

describe('stories API', () => {
  it('creates a story from explicit estimates, persists it and runs it to Done', async () => {
    const res = await api(base).createStory({ title: '  Checkout flow ', tasks: [{ estimate: 15 }, { estimate: 30 }, { estimate: 10 }] });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      title: 'Checkout flow',
      status: 'Open',
      taskCount: 3,
      doneCount: 0,
      estimateMs: 55,
      criticalPathMs: 30,
    });
    expect(res.body.tasks.map((t) => t.estimate)).toEqual([15, 30, 10]);

    const finished = await done(res.body.id);
    expect(finished.doneCount).toBe(3);
    expect(finished.tasks.every((t) => t.status === 'Done' && t.doneAt)).toBe(true);
    expect(finished.completedAt).not.toBeNull();
    // A task holds a worker for its estimate: the story cannot finish faster than its longest task.
    expect(finished.processingMs).toBeGreaterThanOrEqual(30);
  });

  it('generates tasks within the requested range', async () => {
    const res = await api(base).createStory({ taskCount: 40, estimateMin: 10, estimateMax: 20 });
    expect(res.status).toBe(201);
    expect(res.body.tasks).toHaveLength(40);
    expect(res.body.tasks.every((t) => t.estimate >= 10 && t.estimate <= 20 && Number.isInteger(t.estimate))).toBe(true);
    expect(res.body.title).toBeNull();
  });

  it('accepts the original client payload on POST /api/jobs, keeping its id only as a reference', async () => {
    const job = {
      id: 1,
      noOfTasks: 2,
      completed: false,
      tasks: [
        { id: 1, estimate: 12 },
        { id: 2, estimate: 17 },
      ],
    };
    const first = await request<StoryDto>(base, 'POST', '/api/jobs', job);
    const again = await request<StoryDto>(base, 'POST', '/api/jobs', job); // page reload: ids restart at 1
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(first.body.externalRef).toBe(1);
    expect(first.body.id).not.toBe(again.body.id);
    expect(first.body.tasks.map((t) => t.estimate)).toEqual([12, 17]);
    await done(again.body.id);
  });

  it('lists newest first with filter, pagination and total', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await api(base).createStory({ title: `page-${i}`, tasks: [{ estimate: 5 }] })).body.id);
    const page1 = await api(base).list('?limit=2&page=1');
    const page2 = await api(base).list('?limit=2&page=2');
    expect(page1.status).toBe(200);
    expect(page1.body.items.map((s) => s.id)).toEqual([ids[4], ids[3]]);
    expect(page2.body.items.map((s) => s.id)).toEqual([ids[2], ids[1]]);
    expect(page1.body.total).toBeGreaterThanOrEqual(5);
    expect(page1.body).toMatchObject({ page: 1, limit: 2 });
    expect(page1.body.items[0]).not.toHaveProperty('tasks');

    await Promise.all(ids.map(done));
    const doneList = await api(base).list('?status=Done&limit=100');
    expect(doneList.body.items.every((s) => s.status === 'Done')).toBe(true);
    expect(doneList.body.items.map((s) => s.id)).toEqual(expect.arrayContaining(ids));
    const openList = await api(base).list('?status=Open');
    expect(openList.body.items.every((s) => s.status === 'Open')).toBe(true);
  });

  it('deletes one story, and all Done stories in bulk, keeping the counters cumulative', async () => {
    const a = (await api(base).createStory({ tasks: [{ estimate: 5 }] })).body;
    await done(a.id);
    // A sample taken after the story turned Done (the history is empty until the first second is sampled).
    const sampleAfter = (time: number) =>
      waitFor(async () => {
        const s = await api(base).lastSample();
        return s && s.t > time && s;
      });
    const before = await sampleAfter(Date.now());
    expect(before.completed).toBeGreaterThanOrEqual(1);
    const del = await api(base).deleteStory(a.id);
    expect(del).toMatchObject({ status: 200, body: { deleted: 1 } });
    expect((await api(base).getStory(a.id)).status).toBe(404);
    expect((await api(base).deleteStory(a.id)).status).toBe(404);

    const bulk = await request<{ deleted: number }>(base, 'DELETE', '/api/stories?status=Done');
    expect(bulk.status).toBe(200);
    expect(bulk.body.deleted).toBeGreaterThan(0);
    expect((await api(base).list('?status=Done')).body.total).toBe(0);

    // Cumulative figures never drop when stories are removed: the first sample taken after the removal says so.
    const after = await sampleAfter(Date.now());
    expect(after.completed).toBeGreaterThanOrEqual(before.completed);
  });

  it('deleting an Open story drops its queued tasks and keeps the counters exact', async () => {
    // One worker: the victim's tasks wait in the queue behind the blocker's.
    const solo = await startTestServer({ POOL_MIN: '1', POOL_MAX: '1' });
    const last = async () => (await api(solo.httpServer).stats()).body.history.at(-1);
    try {
      const blocker = (await api(solo.httpServer).createStory({ tasks: [{ estimate: 2500 }] })).body;
      const victim = (await api(solo.httpServer).createStory({ taskCount: 6, estimateMin: 1000, estimateMax: 1000 })).body;
      const queued = await waitFor(async () => {
        const s = await last();
        return s && s.backlogTasks === 6 && s;
      });
      expect(queued).toMatchObject({ open: 2, busyWorkers: 1, poolSize: 1 });

      expect((await api(solo.httpServer).deleteStory(victim.id)).body).toEqual({ deleted: 1 });
      const after = await waitFor(async () => {
        const s = await last();
        return s && s.t > queued.t && s.backlogTasks === 0 && s;
      });
      expect(after.open).toBe(1);
      const settled = await waitFor(async () => {
        const s = await last();
        return s && s.open === 0 && s.busyWorkers === 0 && s;
      });
      // Produced 2, completed 1 (the blocker), the victim neither open nor completed.
      expect(settled.completed).toBe(1);
      expect(settled.backlogTasks).toBe(0);
      expect((await api(solo.httpServer).getStory(victim.id)).status).toBe(404);
      expect((await api(solo.httpServer).getStory(blocker.id)).body.status).toBe('Done');
      expect((await api(solo.httpServer).list()).body.total).toBe(1);
    } finally {
      await solo.stop();
    }
  });

  it("is same-origin by default; only the original client's endpoint may be opened to configured origins", async () => {
    const preflight = (url: Target, path: string, origin = 'http://legacy.example') =>
      request(url, 'OPTIONS', path, undefined, {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      });
    expect((await preflight(base, '/api/jobs')).header['access-control-allow-origin']).toBeUndefined();
    const open = await startTestServer({ LEGACY_CORS_ORIGINS: 'http://legacy.example' });
    try {
      expect((await preflight(open.url, '/api/jobs')).header['access-control-allow-origin']).toBe('http://legacy.example');
      expect((await preflight(open.url, '/api/jobs', 'http://evil.example')).header['access-control-allow-origin']).toBeUndefined();
      expect((await preflight(open.url, '/api/stories')).header['access-control-allow-origin']).toBeUndefined();
    } finally {
      await open.stop();
    }
  });

  it('reports health with the database mode, and stats from memory', async () => {
    const health = await request<HealthDto>(base, 'GET', '/api/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok', accepting: true, db: { mode: 'external', state: 'connected', durable: true } });
    const stats = await api(base).stats();
    expect(stats.status).toBe(200);
    expect(typeof stats.body.now).toBe('number');
    expect(Array.isArray(stats.body.history)).toBe(true);
  });

  it('tells clients its request limits', async () => {
    const limits = await request<StoryLimits>(base, 'GET', '/api/limits');
    expect(limits.status).toBe(200);
    expect(limits.body).toEqual({ ...DEFAULT_STORY_LIMITS, maxTasks: 1000 });
  });

  it('describes itself in OpenAPI, generated from the validation schemas', async () => {
    const doc = await request<{
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, unknown> };
    }>(base, 'GET', '/api/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/api/stories', '/api/stories/{id}', '/api/jobs', '/api/stats']));
    // The request bodies are components, built from this server's limits (MAX_TASKS).
    expect(JSON.stringify(doc.body.paths['/api/stories']!.post)).toContain('#/components/schemas/CreateStoryWithTasks');
    expect(JSON.stringify(doc.body.components.schemas['CreateStoryWithTasks'])).toContain('"maxItems":1000');
    expect(JSON.stringify(doc.body.components.schemas['CreateStoryGenerated'])).toContain('"maximum":1000');
  });
});

const tooMany = { tasks: Array.from({ length: 1001 }, () => ({ estimate: 10 })) };
const huge = JSON.stringify({ title: 'x'.repeat(70_000), tasks: [{ estimate: 10 }] });
const VALID_ID = '64b7f0c2a1b2c3d4e5f60718';

/** [name, method, path, body, expected status, text the message must contain] */
const badRequests: [string, Method, string, unknown, number, string][] = [
  ['malformed JSON', 'POST', '/api/stories', '{"tasks": [', 400, 'Malformed JSON'],
  ['JSON null body', 'POST', '/api/stories', 'null', 400, 'JSON object'],
  ['JSON array body', 'POST', '/api/stories', '[]', 400, 'JSON object'],
  ['JSON string body', 'POST', '/api/stories', '"story"', 400, 'JSON object'],
  ['empty object', 'POST', '/api/stories', {}, 400, 'taskCount'],
  ['tasks not an array', 'POST', '/api/stories', { tasks: 'many' }, 400, 'tasks'],
  ['no tasks', 'POST', '/api/stories', { tasks: [] }, 400, 'at least 1'],
  ['too many tasks', 'POST', '/api/stories', tooMany, 400, 'at most 1000'],
  ['task without estimate', 'POST', '/api/stories', { tasks: [{}] }, 400, 'tasks.0.estimate'],
  ['estimate as string', 'POST', '/api/stories', { tasks: [{ estimate: '10' }] }, 400, 'must be a number'],
  ['estimate zero', 'POST', '/api/stories', { tasks: [{ estimate: 0 }] }, 400, 'at least 1 ms'],
  ['estimate negative', 'POST', '/api/stories', { tasks: [{ estimate: 10 }, { estimate: -5 }] }, 400, 'tasks.1.estimate'],
  ['estimate too large', 'POST', '/api/stories', { tasks: [{ estimate: 60_001 }] }, 400, 'at most 60000'],
  ['estimate fractional', 'POST', '/api/stories', { tasks: [{ estimate: 10.5 }] }, 400, 'whole number'],
  ['task as number', 'POST', '/api/stories', { tasks: [10] }, 400, 'estimate'],
  ['unknown field', 'POST', '/api/stories', { tasks: [{ estimate: 10 }], priority: 1 }, 400, 'priority'],
  ['title not a string', 'POST', '/api/stories', { title: 5, tasks: [{ estimate: 10 }] }, 400, 'title'],
  ['title too long', 'POST', '/api/stories', { title: 'x'.repeat(201), tasks: [{ estimate: 10 }] }, 400, 'title'],
  ['taskCount zero', 'POST', '/api/stories', { taskCount: 0, estimateMin: 10, estimateMax: 20 }, 400, 'taskCount'],
  ['taskCount too big', 'POST', '/api/stories', { taskCount: 5000, estimateMin: 10, estimateMax: 20 }, 400, 'taskCount'],
  ['range missing', 'POST', '/api/stories', { taskCount: 5 }, 400, 'estimateMin: is required'],
  ['range reversed', 'POST', '/api/stories', { taskCount: 5, estimateMin: 20, estimateMax: 10 }, 400, 'estimateMax'],
  ['wrong content type', 'POST', '/api/stories', 'tasks=1', 415, 'application/json'],
  ['body over the limit', 'POST', '/api/stories', huge, 413, 'limit'],
  ['legacy job without id', 'POST', '/api/jobs', { tasks: [{ id: 1, estimate: 10 }] }, 400, 'id'],
  ['legacy job count mismatch', 'POST', '/api/jobs', { id: 3, noOfTasks: 5, tasks: [{ id: 1, estimate: 10 }] }, 400, 'noOfTasks'],
  ['legacy job bad estimate', 'POST', '/api/jobs', { id: 3, tasks: [{ id: 1, estimate: 'soon' }] }, 400, 'tasks.0.estimate'],
  ['unknown status filter', 'GET', '/api/stories?status=Closed', undefined, 400, 'status must be'],
  ['page not a number', 'GET', '/api/stories?page=two', undefined, 400, 'page'],
  ['page zero', 'GET', '/api/stories?page=0', undefined, 400, 'page must be at least 1'],
  ['page beyond any listing', 'GET', '/api/stories?page=21474838&limit=100', undefined, 400, 'page must be at most 1000000'],
  ['unsupported charset', 'POST', '/api/stories', '{}', 415, 'UTF-8'],
  ['limit too large', 'GET', '/api/stories?limit=1000', undefined, 400, 'limit must be at most 100'],
  ['unknown query parameter', 'GET', '/api/stories?sort=asc', undefined, 400, 'sort'],
  ['invalid id', 'GET', '/api/stories/not-an-id', undefined, 404, 'not a valid story id'],
  ['12-character id', 'GET', '/api/stories/abcdefghijkl', undefined, 404, 'not a valid story id'],
  ['JSON with a +json type is still validated', 'POST', '/api/stories', '{}', 400, 'taskCount'],
  ['unknown id', 'GET', `/api/stories/${VALID_ID}`, undefined, 404, 'does not exist'],
  ['delete invalid id', 'DELETE', '/api/stories/xyz', undefined, 404, 'not a valid story id'],
  ['delete unknown id', 'DELETE', `/api/stories/${VALID_ID}`, undefined, 404, 'does not exist'],
  ['bulk delete without status', 'DELETE', '/api/stories', undefined, 400, 'status=Done is required'],
  ['bulk delete of Open', 'DELETE', '/api/stories?status=Open', undefined, 400, 'status=Done is required'],
  ['unknown API route', 'GET', '/api/nothing', undefined, 404, 'no route'],
  ['wrong method on the collection', 'PUT', '/api/stories', { tasks: [{ estimate: 10 }] }, 405, 'PUT is not allowed on /api/stories'],
  ['wrong method on a story', 'PATCH', `/api/stories/${VALID_ID}`, { title: 'x' }, 405, 'use GET, DELETE'],
  ['wrong method on the legacy endpoint', 'GET', '/api/jobs', undefined, 405, 'use POST'],
];

describe('bad requests get a clear 4xx and change nothing', () => {
  it('covers at least 25 cases', () => expect(badRequests.length).toBeGreaterThanOrEqual(25));

  it.each(badRequests)('%s → %s %s', async (_name, method, path, body, status, text) => {
    const before = (await api(base).list()).body.total;
    const headers =
      _name === 'wrong content type'
        ? { 'content-type': 'application/x-www-form-urlencoded' }
        : _name === 'unsupported charset'
          ? { 'content-type': 'application/json; charset=latin1' }
          : _name.includes('+json')
            ? { 'content-type': 'application/vnd.api+json' }
            : undefined;
    const res = await request<ApiErrorBody>(base, method, path, body, headers);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toEqual(expect.any(String));
    expect(res.body.error.message).toContain(text);
    expect(Array.isArray(res.body.error.details)).toBe(true);
    expect((await api(base).list()).body.total).toBe(before);
  });
});
