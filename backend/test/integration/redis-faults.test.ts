import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import mongoose from 'mongoose';
import type { HealthDto, StatsSnapshot, StoryBatchResultDto, StoryDto } from '@storyflow/contracts';
import {
  freePort,
  sleep,
  startBackend,
  startRedis,
  startTcpProxy,
  uniqueDbName,
  waitFor,
  type BackendProcess,
  type RedisProcess,
} from '@storyflow/test-support';
import { because } from '../support/because.js';
import { testDbUri } from '../support/test-db.js';

/**
 * Redis's bad days under two instances and a light load of posts and listings (issue #23): frozen
 * (SIGSTOP) for 8 s, then killed and started again empty. No request may answer 500 or hang; a refusal
 * is a 503 with Retry-After; /api/health says `redis: unavailable` within 2 s and recovers by itself;
 * every accepted story ends Done exactly once.
 */

const LEASE_MS = 3000;
let redis: RedisProcess;
let instances: BackendProcess[] = [];
let dbName = '';

beforeEach(async () => {
  redis = await startRedis();
  dbName = uniqueDbName('redisfaults');
  const port = await freePort();
  const env = {
    MONGODB_URI: testDbUri(),
    MONGODB_DB: dbName,
    REDIS_URL: redis.url,
    LEASE_MS: String(LEASE_MS),
    LOG_LEVEL: 'warn',
  };
  instances = await Promise.all([0, 1].map((i) => startBackend({ env: { ...env, INSTANCE_ID: `r${i}` }, host: `127.0.0.${i + 2}`, port })));
});
afterEach(async () => {
  for (const p of instances) await p.stop().catch(() => undefined);
  await redis?.stop().catch(() => undefined);
});

interface Answer {
  at: number;
  instance: number;
  op: 'create' | 'list' | 'batch';
  status: number;
  retryAfter: string | null;
  ms: number;
  /** The stories it stored (a batch: those its answer names stored). */
  ids?: string[];
}

const story = { taskCount: 5, estimateMin: 10, estimateMax: 20 };
const requestOf = (op: Answer['op']): RequestInit =>
  op === 'list'
    ? {}
    : {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(op === 'create' ? story : { stories: [story, story, story] }),
      };
const storedBy = (body: Partial<StoryDto> & Partial<StoryBatchResultDto>): string[] =>
  body.results ? body.results.flatMap((r) => (r.ok ? [r.id] : [])) : body.id ? [body.id] : [];

/**
 * Each instance: a story posted every 100 ms, a batch of three every 300 ms and a listing every 300 ms; every
 * answer kept (a hang over 5 s is status 0).
 */
function lightLoad() {
  const answers: Answer[] = [];
  let running = true;
  const call = async (instance: number, op: Answer['op']) => {
    const started = Date.now();
    const url = `${instances[instance]!.url}/api/stories${op === 'list' ? '?limit=20' : op === 'batch' ? '/batch' : ''}`;
    try {
      const res = await fetch(url, { ...requestOf(op), signal: AbortSignal.timeout(5000) });
      const body = (await res.json()) as Partial<StoryDto> & Partial<StoryBatchResultDto>;
      answers.push({
        at: started,
        instance,
        op,
        status: res.status,
        retryAfter: res.headers.get('retry-after'),
        ms: Date.now() - started,
        ...(op !== 'list' && res.status < 300 ? { ids: storedBy(body) } : {}),
      });
    } catch {
      answers.push({ at: started, instance, op, status: 0, retryAfter: null, ms: Date.now() - started });
    }
  };
  const loop = async (instance: number, op: Answer['op'], everyMs: number) => {
    while (running) {
      void call(instance, op);
      await sleep(everyMs);
    }
  };
  const loops = instances.flatMap((_, i) => [loop(i, 'create', 100), loop(i, 'batch', 300), loop(i, 'list', 300)]);
  return {
    answers,
    stop: async () => {
      running = false;
      await Promise.all(loops);
      await sleep(5500); // the last calls answer or time out
    },
  };
}

/** Every 250 ms, each instance's /api/health. */
function watchHealth() {
  const samples: { at: number; instance: number; status: number; body: HealthDto }[] = [];
  const timer = setInterval(() => {
    instances.forEach((p, instance) => {
      const at = Date.now();
      fetch(`${p.url}/api/health`, { signal: AbortSignal.timeout(2000) })
        .then(async (res) => samples.push({ at, instance, status: res.status, body: (await res.json()) as HealthDto }))
        .catch(() => undefined);
    });
  }, 250);
  return { samples, stop: () => clearInterval(timer) };
}

function expectNoServerErrors(answers: Answer[]) {
  const bad = answers.filter((a) => a.status === 0 || (a.status >= 500 && !(a.status === 503 && a.retryAfter)));
  because(JSON.stringify(bad.slice(0, 5)), () => expect(bad).toEqual([]));
  const slow = answers.filter((a) => a.ms > 2500);
  because(JSON.stringify(slow.slice(0, 5)), () => expect(slow).toEqual([]));
}

/** Each instance reports Redis unavailable within 2 s of `from` until `to`, and connected again within 3 s of `to`. */
function expectHealthFollows(samples: { at: number; instance: number; status: number; body: HealthDto }[], from: number, to: number) {
  for (const instance of [0, 1]) {
    const mine = samples.filter((s) => s.instance === instance);
    const during = mine.filter((s) => s.at >= from + 2000 && s.at <= to);
    const after = mine.filter((s) => s.at >= to + 3000);
    because(`instance ${instance} during: ${JSON.stringify(during.map((s) => [s.status, s.body.status, s.body.redis?.state]))}`, () => {
      expect(during.length).toBeGreaterThan(3);
      expect(during.every((s) => s.body.redis?.state === 'unavailable' && s.body.status === 'degraded' && s.status === 200)).toBe(true);
      expect(during.every((s) => s.body.problems?.includes('redis: unavailable'))).toBe(true);
    });
    because(`instance ${instance} after: ${JSON.stringify(after.map((s) => [s.status, s.body.redis?.state]))}`, () => {
      expect(after.length).toBeGreaterThan(3);
      expect(after.every((s) => s.body.status === 'ok' && s.body.redis?.state === 'connected')).toBe(true);
    });
  }
}

/** Every accepted story is stored once and ends Done; the cluster's counters say so too. */
async function expectAllDoneOnce(accepted: string[]) {
  const conn = await mongoose.createConnection(testDbUri(), { dbName, autoCreate: false }).asPromise();
  try {
    const stories = conn.collection('stories');
    await waitFor(async () => (await stories.countDocuments({ status: 'Open' })) === 0, { timeoutMs: 60_000, what: 'no Open story left' });
    const docs = await stories.find({}, { projection: { _id: 1, status: 1 } }).toArray();
    const stored = new Set(docs.map((d) => String(d._id)));
    expect(new Set(accepted).size).toBe(accepted.length);
    expect(accepted.filter((id) => !stored.has(id))).toEqual([]);
    expect(docs.every((d) => d.status === 'Done')).toBe(true);
    const last = await waitFor(
      async () => {
        const snapshot = (await (await fetch(`${instances[0]!.url}/api/stats`)).json()) as StatsSnapshot;
        const s = snapshot.history.at(-1);
        return s && s.open === 0 && s.completed === docs.length && s;
      },
      { timeoutMs: 15_000, what: 'the cluster counting every stored story Done' },
    );
    expect(last.completed).toBe(docs.length);
  } finally {
    await conn.close();
  }
}

describe('Redis trouble under two instances', () => {
  it('frozen for 8 s: no 500, no hang, health says so within 2 s, and nothing is lost', async () => {
    const health = watchHealth();
    const load = lightLoad();
    await sleep(3000);
    const frozenAt = Date.now();
    redis.signal('SIGSTOP');
    await sleep(8000);
    const thawedAt = Date.now();
    redis.signal('SIGCONT');
    await sleep(6000);
    await load.stop();
    health.stop();

    expectNoServerErrors(load.answers);
    expectHealthFollows(health.samples, frozenAt, thawedAt);
    // Listings are served throughout; creates come back once Redis does.
    expect(load.answers.filter((a) => a.op === 'list' && a.at > frozenAt + 2000 && a.at < thawedAt).every((a) => a.status === 200)).toBe(
      true,
    );
    expect(load.answers.some((a) => a.op === 'create' && a.status === 201 && a.at > thawedAt + 3000)).toBe(true);
    expect(load.answers.some((a) => a.op === 'batch' && a.status === 201 && a.at > thawedAt + 3000)).toBe(true);
    await expectAllDoneOnce(load.answers.flatMap((a) => a.ids ?? []));
  }, 120_000);

  it('killed and started again empty: no 500, and the instances recover by themselves', async () => {
    const health = watchHealth();
    const load = lightLoad();
    await sleep(3000);
    const killedAt = Date.now();
    redis.signal('SIGKILL');
    await redis.exited;
    await sleep(4000);
    const port = redis.port;
    redis = await startRedis({ port });
    const backAt = Date.now();
    await sleep(12_000);
    await load.stop();
    health.stop();

    expectNoServerErrors(load.answers);
    expectHealthFollows(health.samples, killedAt, backAt);
    // Both instances take creates again (scripts, leases, admission shares and heartbeats rebuilt).
    for (const instance of [0, 1])
      because(`instance ${instance}`, () =>
        expect(load.answers.some((a) => a.instance === instance && a.op === 'create' && a.status === 201 && a.at > backAt + 4000)).toBe(
          true,
        ),
      );
    // The cluster's figures resumed: a second published after Redis came back.
    const snapshot = (await (await fetch(`${instances[1]!.url}/api/stats`)).json()) as StatsSnapshot;
    expect(snapshot.history.at(-1)!.t).toBeGreaterThan(backAt + 3000);
    await expectAllDoneOnce(load.answers.flatMap((a) => a.ids ?? []));
  }, 120_000);

  it('an instance cut off from Redis while the cluster was paused finds out once back in reach', async () => {
    const proxy = await startTcpProxy(redis.port);
    const port = await freePort();
    const cutOff = await startBackend({
      env: {
        MONGODB_URI: testDbUri(),
        MONGODB_DB: dbName,
        REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
        LEASE_MS: String(LEASE_MS),
        LOG_LEVEL: 'warn',
        INSTANCE_ID: 'r2',
      },
      host: '127.0.0.4',
      port,
    });
    try {
      const health = async () => ((await (await fetch(`${cutOff.url}/api/health`)).json()) as HealthDto).redis?.state;
      const paused = async (url: string) => ((await (await fetch(`${url}/api/processing`)).json()) as { paused: boolean }).paused;
      proxy.cut();
      await waitFor(async () => (await health()) === 'unavailable', { timeoutMs: 5000, what: 'the cut noticed' });
      const put = await fetch(`${instances[0]!.url}/api/processing`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: '{"paused":true}',
      });
      expect(put.status).toBe(200);
      await waitFor(async () => paused(instances[1]!.url), { timeoutMs: 3000, what: 'the other instance paused' });
      expect(await paused(cutOff.url)).toBe(false); // it could not hear it
      proxy.heal();
      await waitFor(async () => paused(cutOff.url), { timeoutMs: 5000, what: 'the pause read back once Redis answered' });
    } finally {
      await cutOff.stop();
      await proxy.close();
    }
  }, 60_000);

  it("finishes a removal an instance left half-done: its own as it restarts, another's once a minute old; each counted once", async () => {
    const conn = await mongoose.createConnection(testDbUri(), { dbName, autoCreate: false }).asPromise();
    try {
      const counters = conn.collection<{ _id: string; deleted?: number; removals?: Record<string, unknown> }>('counters');
      const stories = conn.collection('stories');
      const create = async (url: string) =>
        (
          (await (
            await fetch(`${url}/api/stories`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: '{"tasks":[{"estimate":5}]}',
            })
          ).json()) as StoryDto
        ).id;
      const [mine, theirs, young] = [await create(instances[0]!.url), await create(instances[1]!.url), await create(instances[1]!.url)];
      await waitFor(async () => (await stories.countDocuments({ status: 'Done' })) === 3);
      const before = (await counters.findOne({ _id: 'stories' }))?.deleted ?? 0;
      // Each writer stopped between its delete and the increment: the intent journaled, the story gone, nothing counted.
      const intent = (id: string, writer: string, agoMs = 0) => ({
        openIds: [],
        doneIds: [new mongoose.Types.ObjectId(id)],
        reason: 'delete',
        at: Date.now() - agoMs,
        writer,
      });
      await counters.updateOne(
        { _id: 'stories' },
        {
          $set: { 'removals.k1': intent(mine, 'r0'), 'removals.k2': intent(theirs, 'ghost', 61_000), 'removals.k3': intent(young, 'busy') },
        },
      );
      await stories.deleteMany({});
      // Another instance's, a minute old: finished by a live one within LEASE_MS.
      await waitFor(async () => !(await counters.findOne({ _id: 'stories' }))?.removals?.k2, {
        timeoutMs: LEASE_MS + 2000,
        what: 'the old removal finished',
      });
      // One just journaled by a live instance (say, cut off from Redis, still deleting) is left to it.
      expect((await counters.findOne({ _id: 'stories' }))?.removals?.k3).toBeDefined();
      // Its own, from before it restarted: finished as it starts.
      const port = Number(new URL(instances[0]!.url).port);
      await instances[0]!.stop();
      instances[0] = await startBackend({
        env: {
          MONGODB_URI: testDbUri(),
          MONGODB_DB: dbName,
          REDIS_URL: redis.url,
          LEASE_MS: String(LEASE_MS),
          LOG_LEVEL: 'warn',
          INSTANCE_ID: 'r0',
        },
        host: '127.0.0.2',
        port,
      });
      const after = await counters.findOne({ _id: 'stories' });
      expect(Object.keys(after?.removals ?? {})).toEqual(['k3']);
      expect(after?.deleted).toBe(before + 2);
    } finally {
      await conn.close();
    }
  }, 60_000);

  it('ignores what does not parse in Redis (another version, a hand-edited key, garbage), and keeps serving', async () => {
    const { Redis } = await import('ioredis');
    const client = new Redis(redis.url);
    try {
      const now = Date.now();
      // A second from far in the future would otherwise hold back every real one after it.
      await client.publish('sf:samples', JSON.stringify({ sample: { t: now + 10 * 365 * 86_400_000 }, activity: {} }));
      await client.publish('sf:samples', 'not json');
      await client.publish('sf:deleted', JSON.stringify({ not: 'a list' }));
      await client.publish('sf:deleted', JSON.stringify(['../../etc', 42]));
      await client.publish('sf:control', JSON.stringify({ paused: 'yes' }));
      await client.set('sf:paused', '{"paused":');
      await client.hset('sf:instances', 'ghost', '{"id":"ghost","lastSeen":"soon"}');
      await client.hset(`sf:sec:${now - (now % 1000) + 1000}`, 'ghost', JSON.stringify({ t: 'x', producedPerSec: -5 }));
      await sleep(2500);
      for (const p of instances) expect(p.running()).toBe(true);
      const snapshot = (await (await fetch(`${instances[0]!.url}/api/stats`)).json()) as StatsSnapshot;
      const last = snapshot.history.at(-1)!;
      expect(last.t).toBeGreaterThan(now);
      expect(last.t).toBeLessThan(now + 5000);
      expect(last.paused).toBe(false);
      expect(last.instances?.map((i) => i.id)).toEqual(['r0', 'r1']);
      const created = await fetch(`${instances[1]!.url}/api/stories`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ tasks: [{ estimate: 5 }] }),
      });
      expect(created.status).toBe(201);
      expect(instances.map((p) => p.output()).join('\n')).toContain('malformed message from redis ignored');
    } finally {
      client.disconnect();
    }
  }, 60_000);
});
