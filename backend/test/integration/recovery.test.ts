import { connect } from 'node:net';
import mongoose from 'mongoose';
import { afterEach, describe, expect, it } from 'vitest';
import { storyModels } from '../../src/stories/story.model.js';
import { api, referenceStory, waitFor } from '../support/http.js';
import { startChildServer, type ChildServer } from '../support/child-server.js';
import { testEnv } from '../support/test-server.js';

const children: ChildServer[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.process.exitCode === null) c.process.kill('SIGKILL');
});

const last = async (url: string) => (await api(url).stats()).body.history.at(-1);

describe('restart recovery', () => {
  it('finishes every accepted story after a SIGKILL mid-way, counting each exactly once', async () => {
    // A small pool makes the run last a few seconds, so the kill lands mid-way.
    const env = testEnv({ POOL_MIN: '2', POOL_MAX: '4', LOG_LEVEL: 'warn' });
    const first = await startChildServer(env);
    children.push(first);
    const ids: string[] = [];
    for (let i = 0; i < 100; i++) {
      const res = await api(first.url).createStory(referenceStory());
      expect(res.status).toBe(201);
      ids.push(res.body.id);
    }
    const before = await waitFor(async () => {
      const s = await last(first.url);
      return s && s.completed >= 5 && s;
    });
    first.process.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    expect(before.completed).toBeLessThan(100);

    const second = await startChildServer({ ...env, POOL_MAX: '1000' });
    children.push(second);
    const after = await waitFor(
      async () => {
        const s = await last(second.url);
        return s && s.open === 0 && s;
      },
      60_000,
      200,
    );
    expect(after.completed).toBe(100);
    const done = await api(second.url).list('?status=Done&limit=100');
    expect(done.body.total).toBe(100);
    expect(done.body.items.map((s) => s.id).sort()).toEqual([...ids].sort());
    expect(done.body.items.every((s) => s.doneCount === s.taskCount)).toBe(true);

    second.process.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
  });
});

describe('graceful shutdown', () => {
  it('on SIGTERM commits the completions made so far, exits 0 within the bound, and loses nothing', async () => {
    // Two workers, stories of 4 s of work each (none finishes in the first 1.5 s), and progress writes due
    // only after an hour: only the shutdown flush can write the completions made so far.
    const env = testEnv({ POOL_MIN: '2', POOL_MAX: '2', LOG_LEVEL: 'info', PROGRESS_WRITE_INTERVAL_MS: '3600000' });
    const server = await startChildServer(env);
    children.push(server);
    for (let i = 0; i < 5; i++)
      expect((await api(server.url).createStory({ taskCount: 200, estimateMin: 20, estimateMax: 20 })).status).toBe(201);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await last(server.url))?.completed).toBe(0);

    const started = Date.now();
    server.process.kill('SIGTERM');
    const { code } = await server.exited;
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(server.output()).toContain('shutdown complete');

    // The database has the completions that only the shutdown flush could have written.
    const conn = await mongoose.createConnection(env.MONGODB_URI!, { dbName: env.MONGODB_DB, autoCreate: false }).asPromise();
    try {
      const stored = await storyModels(conn).Story.find({}).lean().exec();
      expect(stored).toHaveLength(5);
      const written = stored.reduce((n, s) => n + s.doneCount, 0);
      expect(written).toBeGreaterThan(50);
      expect(stored.flatMap((s) => s.tasks).filter((t) => t.status === 'Done')).toHaveLength(written);
    } finally {
      await conn.close();
    }

    const again = await startChildServer({ ...env, POOL_MAX: '100', PROGRESS_WRITE_INTERVAL_MS: '1000' });
    children.push(again);
    const settled = await waitFor(
      async () => {
        const s = await last(again.url);
        return s && s.open === 0 && s;
      },
      60_000,
      200,
    );
    expect(settled.completed).toBe(5);
    again.process.kill('SIGTERM');
    expect((await again.exited).code).toBe(0);
  });

  it('is not held up by a WebSocket upgrade on a path nobody serves', async () => {
    const server = await startChildServer(testEnv({ LOG_LEVEL: 'warn' }));
    children.push(server);
    const { port } = new URL(server.url);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () =>
        socket.write(
          'GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n' +
            'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
        ),
      );
      let data = '';
      socket.on('data', (d) => (data += d.toString()));
      socket.on('close', () => resolve(data));
      socket.on('error', reject);
      socket.setTimeout(5000, () => reject(new Error('upgrade left hanging')));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 404/);

    const started = Date.now();
    server.process.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
