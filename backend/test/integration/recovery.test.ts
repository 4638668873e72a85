import { afterEach, describe, expect, it } from 'vitest';
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
  it('on SIGTERM commits completions, exits 0 within the bound, and loses nothing', async () => {
    const env = testEnv({ POOL_MIN: '2', POOL_MAX: '4', LOG_LEVEL: 'info' });
    const server = await startChildServer(env);
    children.push(server);
    for (let i = 0; i < 20; i++) expect((await api(server.url).createStory(referenceStory())).status).toBe(201);
    await waitFor(async () => ((await last(server.url))?.completed ?? 0) >= 2);

    const started = Date.now();
    server.process.kill('SIGTERM');
    const { code } = await server.exited;
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(server.output()).toContain('shutdown complete');

    const again = await startChildServer(env);
    children.push(again);
    const settled = await waitFor(
      async () => {
        const s = await last(again.url);
        return s && s.open === 0 && s;
      },
      60_000,
      200,
    );
    expect(settled.completed).toBe(20);
    again.process.kill('SIGTERM');
    expect((await again.exited).code).toBe(0);
  });
});
