import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import type { HealthDto, StoryListDto } from '@storyflow/contracts';
import { referenceStory, seededRandom, startBackend, waitFor, type BackendProcess } from '@storyflow/test-support';
import { api, request } from '../support/http.js';

const children: BackendProcess[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) await c.stop();
});

describe('npm start without MONGODB_URI', () => {
  it('starts an embedded database by itself, says which in /api/health, and warns when it is not durable', async () => {
    // The default (`auto`): a mongod when one can be had, otherwise the in-memory server. The test makes
    // "no mongod" certain, online or not: an empty binary cache and a download mirror that refuses at once.
    const server = await startBackend({
      env: {
        MONGODB_URI: '',
        EMBEDDED_DB: 'auto',
        MONGOMS_DOWNLOAD_DIR: mkdtempSync(join(tmpdir(), 'sf-mongod-bin-')),
        MONGOMS_DOWNLOAD_MIRROR: 'http://127.0.0.1:9',
        MONGOMS_MAX_RETRIES: '0',
        LOG_LEVEL: 'info',
        DATA_DIR: mkdtempSync(join(tmpdir(), 'sf-data-')),
      },
    });
    children.push(server);
    const health = await request<HealthDto>(server.url, 'GET', '/api/health');
    expect(health.status).toBe(200);
    expect(health.body.db).toMatchObject({ mode: 'embedded-memory', durable: false, state: 'connected' });
    expect(server.output()).toContain('no mongod binary available; using the in-memory database');
    expect(server.output()).toContain('data lasts only while the server runs');
    expect(server.output()).toContain('MONGODB_URI');
    const created = await api(server.url).createStory({ tasks: [{ estimate: 10 }] });
    expect(created.status).toBe(201);
    await waitFor(async () => (await api(server.url).getStory(created.body.id)).body.status === 'Done', { what: 'story Done' });
  });
});

/** The in-memory server's own process: the one child of the backend. */
const databasePid = (server: BackendProcess) =>
  Number(
    execFileSync('pgrep', ['-P', String(server.child.pid)])
      .toString()
      .trim()
      .split('\n')[0],
  );

describe('the embedded in-memory database', () => {
  const embedded = { MONGODB_URI: '', EMBEDDED_DB: 'memory', RATE_LIMIT_PER_SEC: '0' };

  it('is never given more than it holds: 5,000 stories in waves of 50, retention off, each 201 or 503 with Retry-After, every one accepted Done', async () => {
    // The smallest heap (64 MB) is given 18,900 task units: about 350 such stories, so most waves are refused.
    const server = await startBackend({
      env: { ...embedded, EMBEDDED_MEMORY_MB: '64', RETENTION_DONE_SECONDS: '0', RETENTION_MAX_DONE_TASKS: '0' },
    });
    children.push(server);
    const random = seededRandom(18);
    const accepted: string[] = [];
    const refused: { status: number; retryAfter: string | null; message: string }[] = [];
    for (let wave = 0; wave < 100; wave++) {
      const answers = await Promise.all(
        Array.from({ length: 50 }, () =>
          fetch(`${server.url}/api/stories`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(referenceStory(random)),
          }),
        ),
      );
      for (const res of answers) {
        const body = (await res.json()) as { id?: string; error?: { message: string } };
        if (res.status === 201) accepted.push(body.id!);
        else refused.push({ status: res.status, retryAfter: res.headers.get('retry-after'), message: body.error?.message ?? '' });
      }
    }
    expect(accepted.length).toBeGreaterThan(250);
    expect(refused.length).toBeGreaterThan(2000);
    for (const r of refused) {
      expect([503, 429]).toContain(r.status);
      expect(Number(r.retryAfter)).toBeGreaterThan(0);
    }
    expect(refused.at(-1)!.message).toContain('The database is full');
    // Every accepted story runs to Done and is kept; the database stays healthy and answers listings.
    const figures = async () => (await api(server.url).lastSample())!;
    await waitFor(async () => (await figures()).open === 0, { timeoutMs: 60_000, what: 'every accepted story Done' });
    expect((await figures()).completed).toBe(accepted.length);
    const health = await request<HealthDto>(server.url, 'GET', '/api/health');
    expect([health.status, health.body.db.state]).toEqual([200, 'connected']);
    const listing = await request<StoryListDto>(server.url, 'GET', '/api/stories?status=Done');
    expect([listing.status, listing.body.total]).toEqual([200, accepted.length]);
    // Room comes back when Done stories are deleted: every accepted one was there to delete.
    const deleted = await request<{ deleted: number }>(server.url, 'DELETE', '/api/stories?status=Done');
    expect([deleted.status, deleted.body]).toEqual([200, { deleted: accepted.length }]);
    expect((await api(server.url).createStory({ tasks: [{ estimate: 10 }] })).status).toBe(201);
    expect((await request<StoryListDto>(server.url, 'GET', '/api/stories')).body.total).toBe(1);
  }, 120_000);

  it('killed (kill -9): the server exits non-zero at once, saying why, instead of answering 503 for ever', async () => {
    const server = await startBackend({ env: embedded });
    children.push(server);
    expect((await api(server.url).createStory({ tasks: [{ estimate: 10 }] })).status).toBe(201);
    const killedAt = Date.now();
    process.kill(databasePid(server), 'SIGKILL');
    const exit = await server.exited;
    expect(Date.now() - killedAt).toBeLessThan(10_000);
    expect(exit.code).toBe(1);
    expect(server.output()).toMatch(
      /The embedded in-memory database exited \(jongodb pid \d+, signal SIGKILL.*\): every story it held is lost/,
    );
    expect(server.output()).toContain('Exiting with code 1 so that a supervisor starts it again');
  });

  // Ctrl+C at a terminal signals the whole foreground process group; systemd's default KillMode does the same with SIGTERM.
  it.each(['SIGINT', 'SIGTERM'] as const)(
    'stopped with %s to the whole process group (the database included): a clean stop, exit 0, no alarm',
    async (signal) => {
      const server = await startBackend({ env: embedded });
      children.push(server);
      expect((await api(server.url).createStory({ tasks: [{ estimate: 10 }] })).status).toBe(201);
      server.signal(signal);
      const exit = await server.exited;
      expect(exit).toEqual({ code: 0, signal: null });
      // The database leaving with it is no emergency: no alarm, no supervisor asked to restart anything.
      expect(server.output()).not.toContain('the database is gone');
      expect(server.output()).not.toContain('Exiting with code 1');
    },
  );
});
