import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { uniqueDbName, waitFor } from '@storyflow/test-support';
import type { AuditPageDto, StoryDto } from '@storyflow/contracts';
import { AuditLog } from '../../src/audit/audit-log.js';
import { connectDatabase } from '../../src/db/connection.js';
import { DbGate } from '../../src/db/db-gate.js';
import { createLogger } from '../../src/logger.js';
import { request, type Target } from '../support/http.js';
import { startTestServer } from '../support/test-server.js';
import { testDbUri } from '../support/test-db.js';

const OPERATOR = 'audit-operator-token';
const VIEWER = 'audit-viewer-token';
const as = (token: string) => ({ authorization: `Bearer ${token}` });

let server: Awaited<ReturnType<typeof startTestServer>>;
let base: Target;

beforeAll(async () => {
  server = await startTestServer({ API_TOKEN: OPERATOR, VIEW_TOKEN: VIEWER });
  base = server.httpServer;
});
afterAll(() => server?.stop());

const call = <T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown, token = OPERATOR) =>
  request<T>(base, method, path, body, as(token));
const create = async () => (await call<StoryDto>('POST', '/api/stories', { tasks: [{ estimate: 5 }] })).body;
/** The newest entries, once `n` of them are there (records are written as the answer goes out, not before). */
const newest = (n: number, query = '') =>
  waitFor(async () => {
    const page = (await call<AuditPageDto>('GET', `/api/audit?limit=${n}${query}`)).body;
    return page.items.length >= n && page.items;
  });

describe('the audit log', () => {
  it("records an operator's delete with the story id, the role, the token and the client's address; a failed one too", async () => {
    const story = await create();
    expect((await call('DELETE', `/api/stories/${story.id}`)).status).toBe(200);
    const [entry] = await newest(1);
    expect(entry).toMatchObject({
      action: 'delete',
      role: 'operator',
      token: true,
      target: { ids: [story.id], count: 1 },
      status: 200,
      instance: 'local',
    });
    expect(entry!.client).toMatch(/127\.0\.0\.1|::1/);
    expect(Date.parse(entry!.at)).toBeGreaterThan(Date.now() - 60_000);
    expect((await call('DELETE', `/api/stories/${story.id}`)).status).toBe(404);
    const [again] = await newest(1, '&action=delete');
    expect(again).toMatchObject({ target: { ids: [story.id] }, status: 404 });
    expect(again!.target.count).toBeUndefined();
  });

  it("records a create made in the dashboard's form (it says so), not an API client's or the generator's", async () => {
    const byHand = (
      await request<StoryDto>(base, 'POST', '/api/stories', { tasks: [{ estimate: 5 }] }, { ...as(OPERATOR), 'Storyflow-Audit': 'form' })
    ).body;
    await create(); // an API client's: not recorded
    const [entry] = await newest(1, '&action=create');
    expect(entry).toMatchObject({ action: 'create', target: { ids: [byHand.id] }, status: 201 });
    expect((await call<AuditPageDto>('GET', '/api/audit?action=create')).body.items).toHaveLength(1);
  });

  it('records bulk actions, run again, delete all Done, pause and resume with what they touched', async () => {
    const [a, b] = [await create(), await create()];
    await waitFor(async () => (await call<StoryDto>('GET', `/api/stories/${b.id}`)).body.status === 'Done');
    const rerun = (await call<StoryDto>('POST', `/api/stories/${a.id}/rerun`)).body;
    await call('POST', '/api/stories/bulk', { action: 'delete', ids: [a.id, b.id] });
    await call('DELETE', '/api/stories?status=Done');
    await call('PUT', '/api/processing', { paused: true });
    await call('PUT', '/api/processing', { paused: false });
    const entries = await newest(5);
    expect(entries.map((e) => e.action)).toEqual(['resume', 'pause', 'deleteDone', 'bulkDelete', 'rerun']);
    expect(entries[2]!.target).toMatchObject({ filter: { status: 'Done' } });
    expect(typeof entries[2]!.target.count).toBe('number');
    expect(entries[3]!.target).toEqual({ ids: [a.id, b.id], count: 2 });
    expect(entries[4]!.target).toEqual({ ids: [a.id, rerun.id] });
  });

  it('is the operator’s: a viewer gets 403, no token 401; a refused caller leaves no entry', async () => {
    const before = (await call<AuditPageDto>('GET', '/api/audit?limit=100')).body.items.length;
    expect((await call('GET', '/api/audit', undefined, VIEWER)).status).toBe(403);
    expect((await request(base, 'GET', '/api/audit')).status).toBe(401);
    const story = await create();
    expect((await call('DELETE', `/api/stories/${story.id}`, undefined, VIEWER)).status).toBe(403);
    expect((await call<AuditPageDto>('GET', '/api/audit?limit=100')).body.items.length).toBe(before);
  });

  it('pages newest first by cursor, filters by action, and says what is wrong with a bad query', async () => {
    const all = (await call<AuditPageDto>('GET', '/api/audit?limit=100')).body.items;
    expect(all.length).toBeGreaterThanOrEqual(4);
    const first = (await call<AuditPageDto>('GET', '/api/audit?limit=2')).body;
    const second = (await call<AuditPageDto>('GET', `/api/audit?limit=2&before=${first.next}`)).body;
    expect([...first.items, ...second.items].map((e) => e.id)).toEqual(all.slice(0, 4).map((e) => e.id));
    const pauses = (await call<AuditPageDto>('GET', '/api/audit?action=pause')).body.items;
    expect(pauses.length).toBeGreaterThan(0);
    expect(pauses.every((e) => e.action === 'pause')).toBe(true);
    const bad = await call<{ error: { details: { message: string }[] } }>('GET', '/api/audit?action=drop&limit=0&before=x');
    expect(bad.status).toBe(400);
    const messages = bad.body.error.details.map((d) => d.message);
    for (const wanted of [/^action must be one of create, delete, /, /^limit must be at least 1$/, /^before must be an entry id/])
      expect(messages.some((m) => wanted.test(m))).toBe(true);
  });
});

describe('the audit log is bounded', () => {
  it('keeps 90 days at most, and at most its count of the newest entries', async () => {
    const connection = await connectDatabase(testDbUri(), uniqueDbName('audit'), 4000, createLogger({ level: 'silent', pretty: false }));
    try {
      const log = new AuditLog(connection, new DbGate(4000));
      await log.ensureIndexes();
      const now = Date.UTC(2026, 11, 7);
      const day = 86_400_000;
      const entry = (daysAgo: number) => ({
        at: new Date(now - daysAgo * day),
        action: 'pause' as const,
        role: 'operator' as const,
        token: false,
        client: '10.0.0.1',
        instance: 'local',
        target: {},
        status: 200,
      });
      for (const daysAgo of [200, 91, 89, 30, 2, 1, 0]) await log.record(entry(daysAgo));
      expect(await log.trim(now, 1_000)).toBe(2); // older than 90 days
      expect(await log.trim(now, 3)).toBe(2); // beyond the newest three
      const left = (await log.page({ limit: 100 })).items.map((e) => Math.round((now - Date.parse(e.at)) / day));
      expect(left).toEqual([0, 1, 2]);
    } finally {
      await connection.close();
    }
  });
});
