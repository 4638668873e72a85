import { connect } from 'node:net';
import mongoose from 'mongoose';
import { afterEach, describe, expect, it } from '@jest/globals';
import { storyModels } from '../../src/stories/story.model.js';
import { referenceStory, startBackend, waitFor, type BackendProcess, type BackendOptions } from '@storyflow/test-support';
import { api } from '../support/http.js';
import { testEnv } from '../support/test-server.js';

const children: BackendProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.signal('SIGKILL');
});

/** The server as its own process, as in production, so it can be killed. */
async function startChild(env: Record<string, string>, options: BackendOptions = {}): Promise<BackendProcess> {
  const child = await startBackend({ ...options, env });
  children.push(child);
  return child;
}

const last = async (url: string) => (await api(url).stats()).body.history.at(-1);

describe('restart recovery', () => {
  it('finishes every accepted story after a SIGKILL mid-way, counting each exactly once', async () => {
    // A small pool makes the run last a few seconds, so the kill lands mid-way.
    const env = testEnv({ POOL_MIN: '2', POOL_MAX: '4', LOG_LEVEL: 'warn' });
    const first = await startChild(env);
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
    first.signal('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    expect(before.completed).toBeLessThan(100);

    const second = await startChild({ ...env, POOL_MAX: '1000' });
    const after = await waitFor(
      async () => {
        const s = await last(second.url);
        return s && s.open === 0 && s;
      },
      { timeoutMs: 60_000, intervalMs: 200, what: 'all recovered stories Done' },
    );
    expect(after.completed).toBe(100);
    const done = await api(second.url).list('?status=Done&limit=100');
    expect(done.body.total).toBe(100);
    expect(done.body.items.map((s) => s.id).sort()).toEqual([...ids].sort());
    expect(done.body.items.every((s) => s.doneCount === s.taskCount)).toBe(true);

    second.signal('SIGTERM');
    expect((await second.exited).code).toBe(0);
  });
});

describe('graceful shutdown', () => {
  it('on SIGTERM commits the completions made so far, exits 0 within the bound, and loses nothing', async () => {
    // Two workers, stories of 4 s of work each (none finishes in the first 1.5 s), and progress writes due
    // only after an hour: only the shutdown flush can write the completions made so far.
    const env = testEnv({ POOL_MIN: '2', POOL_MAX: '2', LOG_LEVEL: 'info', PROGRESS_WRITE_INTERVAL_MS: '3600000' });
    const server = await startChild(env);
    for (let i = 0; i < 5; i++)
      expect((await api(server.url).createStory({ taskCount: 200, estimateMin: 20, estimateMax: 20 })).status).toBe(201);
    // Tasks are running (a sample shows the workers busy), and a second later about 100 more are done,
    // yet nothing is committed: no story can finish in that time.
    const busy = await waitFor(async () => {
      const s = await last(server.url);
      return s && s.busyWorkers === 2 && s;
    });
    const later = await waitFor(async () => {
      const s = await last(server.url);
      return s && s.t > busy.t && s;
    });
    expect(later.completed).toBe(0);

    const started = Date.now();
    server.signal('SIGTERM');
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
      // When it was not, the server's log says why (a failed final commit is logged, not fatal).
      if (written <= 50) throw new Error(`${written} completions stored at shutdown; the server said:\n${server.output()}`);
      expect(stored.flatMap((s) => s.tasks).filter((t) => t.status === 'Done')).toHaveLength(written);
    } finally {
      await conn.close();
    }

    const again = await startChild({ ...env, POOL_MAX: '100', PROGRESS_WRITE_INTERVAL_MS: '1000' });
    const finished = await waitFor(
      async () => {
        const s = await last(again.url);
        return s && s.open === 0 && s;
      },
      { timeoutMs: 60_000, intervalMs: 200, what: 'all stories Done after restart' },
    );
    expect(finished.completed).toBe(5);
    again.signal('SIGTERM');
    expect((await again.exited).code).toBe(0);
  });

  it('is not held up by a WebSocket upgrade on a path nobody serves', async () => {
    const server = await startChild(testEnv({ LOG_LEVEL: 'warn' }));
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
    server.signal('SIGTERM');
    expect((await server.exited).code).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
