import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { io, type Socket } from 'socket.io-client';
import type {
  ClientToServerEvents,
  HealthDto,
  ServerToClientEvents,
  StatsSample,
  StoryBatchResultDto,
  StoryDto,
  StoryListDto,
} from '@storyflow/contracts';
import {
  dashboardDir,
  freePort,
  startBackend,
  startDns,
  startNginx,
  startRedis,
  uniqueDbName,
  waitFor,
  type BackendProcess,
  type DnsServer,
  type NginxProcess,
  type RedisProcess,
} from '@storyflow/test-support';
import { request } from '../support/http.js';
import { testDbUri } from '../support/test-db.js';
import { startWebhookReceiver } from '../support/webhook-receiver.js';

/**
 * Cluster mode for real: several backend processes on one database and one Redis, each on a loopback
 * address of its own (127.0.0.2, .3, …) at one port, found by nginx through a DNS name that answers
 * with all of them, as Docker's DNS does for `--scale backend=N`.
 */
const LEASE_MS = 4000;
let redis: RedisProcess;
const started: { stop(): Promise<unknown> }[] = [];

beforeAll(async () => {
  redis = await startRedis();
});
afterEach(async () => {
  for (const p of started.splice(0).reverse()) await p.stop().catch(() => undefined);
});
afterAll(() => redis?.stop());

interface Cluster {
  instances: BackendProcess[];
  env: Record<string, string>;
  port: number;
  start(i: number): Promise<BackendProcess>;
}

async function startCluster(n: number, extra: Record<string, string> = {}): Promise<Cluster> {
  // A database and Redis keys of its own (the Redis server is shared by the tests in this file).
  const env = {
    MONGODB_URI: testDbUri(),
    MONGODB_DB: uniqueDbName('cluster'),
    REDIS_URL: `${redis.url}/${started.length % 16}`,
    LEASE_MS: String(LEASE_MS),
    LOG_LEVEL: 'info',
    RATE_LIMIT_PER_SEC: '0',
    ...extra,
  };
  await flushRedis(env.REDIS_URL);
  const port = await freePort();
  const cluster: Cluster = {
    instances: [],
    env,
    port,
    async start(i: number) {
      const instance = await startBackend({ env: { ...env, INSTANCE_ID: `i${i}` }, host: `127.0.0.${i + 2}`, port });
      started.push(instance);
      cluster.instances[i] = instance;
      return instance;
    },
  };
  for (let i = 0; i < n; i++) await cluster.start(i);
  return cluster;
}

async function flushRedis(url: string): Promise<void> {
  const { Redis } = await import('ioredis');
  const client = new Redis(url, { lazyConnect: true });
  await client.connect();
  await client.flushdb();
  await client.quit();
}

const metric = async (base: string, name: string) => {
  const text = (await request<string>(base, 'GET', `/metrics?name=${name}`)).body;
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : NaN;
};
const history = async (base: string) => (await request<{ history: StatsSample[] }>(base, 'GET', '/api/stats')).body.history;
const lastSample = async (base: string) => (await history(base)).at(-1);
/** When the server queued the story (its createdAt, epoch ms). */
const queuedAt = (story: StoryDto) => Date.parse(story.createdAt);

describe('cluster mode (REDIS_URL): several instances act as one', () => {
  it('three instances behind nginx: 3,000 stories, one instance killed mid-way, every story Done exactly once', async () => {
    const cluster = await startCluster(3);
    const dns: DnsServer = await startDns('backend.storyflow.test', ['127.0.0.2', '127.0.0.3', '127.0.0.4']);
    started.push({ stop: () => dns.stop() });
    const nginx: NginxProcess = await startNginx({
      backend: `backend.storyflow.test:${cluster.port}`,
      resolver: dns.address,
      root: dashboardDir,
    });
    started.push(nginx);

    const N = 3000;
    const accepted: string[] = [];
    let refused = 0;
    let next = 0;
    let killedAt = 0;
    const victim = cluster.instances[1]!;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < N) {
          const i = next++;
          if (i === 1000) {
            victim.signal('SIGKILL');
            killedAt = Date.now();
          }
          // Long enough that each instance holds stories in flight when one dies.
          const res = await request<StoryDto>(nginx.url, 'POST', '/api/stories', { taskCount: 10, estimateMin: 200, estimateMax: 400 });
          if (res.status === 201) accepted.push(res.body.id);
          else refused++;
        }
      }),
    );
    await victim.exited;
    // Requests that reached the victim as it died may fail; nginx moves on to the others for the rest.
    expect(refused).toBeLessThan(100);
    expect(accepted.length + refused).toBe(N);

    const survivor = cluster.instances[0]!.url;
    const settled = await waitFor(
      async () => {
        const s = await lastSample(survivor);
        return s && s.open === 0 && s.completed >= accepted.length && s;
      },
      { timeoutMs: 60_000, intervalMs: 250, what: 'every accepted story Done' },
    );
    // Each story turned Done once, counted once: the cluster's count is the database's. It may include a
    // few the victim stored but died before answering (their client got a 503): stored, so run too.
    const done = (await request<StoryListDto>(survivor, 'GET', '/api/stories?status=Done&limit=1')).body;
    expect(done.counts.Open).toBe(0);
    expect(done.counts.Done).toBe(settled.completed);
    expect(settled.completed).toBeLessThanOrEqual(accepted.length + refused);
    const doneIds = new Set<string>();
    // The dead instance's stories were taken over once their leases expired.
    const takeovers = cluster.instances
      .filter((p) => p !== victim)
      .flatMap((p) => p.output().split('\n'))
      .filter((line) => line.includes('took on stories whose owner is gone'))
      .map((line) => JSON.parse(line) as { time: number; stories: number });
    expect(takeovers.reduce((n, t) => n + t.stories, 0)).toBeGreaterThan(0);
    expect(Math.min(...takeovers.map((t) => t.time)) - killedAt).toBeLessThan(LEASE_MS + 3000);
    // Every stored story is complete, every accepted one among them.
    for (let page = 1; page <= Math.ceil(done.counts.all / 100); page++) {
      const list = (await request<StoryListDto>(survivor, 'GET', `/api/stories?limit=100&page=${page}`)).body;
      expect(list.items.every((s) => s.status === 'Done' && s.doneCount === s.taskCount)).toBe(true);
      for (const s of list.items) doneIds.add(s.id);
    }
    expect(accepted.filter((id) => !doneIds.has(id))).toEqual([]);
  }, 180_000);

  it('two dashboards on different instances receive identical figures for the same second', async () => {
    const cluster = await startCluster(2);
    const [a, b] = cluster.instances.map((p) => p.url);
    const received: Record<string, Map<number, StatsSample>> = {};
    const sockets: Socket<ServerToClientEvents, ClientToServerEvents>[] = [];
    try {
      const repeats: number[] = [];
      for (const url of [a!, b!]) {
        const seen = new Map<number, StatsSample>();
        received[url] = seen;
        const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(url, { transports: ['websocket'], forceNew: true });
        sockets.push(socket);
        socket.on('stats', (s) => {
          if (seen.has(s.t)) repeats.push(s.t);
          seen.set(s.t, s);
        });
      }
      for (let i = 0; i < 40; i++) {
        const res = await request([a, b][i % 2]!, 'POST', '/api/stories', { taskCount: 20, estimateMin: 50, estimateMax: 150 });
        expect(res.status).toBe(201);
      }
      // Until both dashboards have three seconds in common and the 40 stories are all in A's figures.
      const produced = (url: string) => [...received[url]!.values()].reduce((n, s) => n + s.producedPerSec, 0);
      const commonSeconds = () => [...received[a!]!.keys()].filter((t) => received[b!]!.has(t));
      await waitFor(() => commonSeconds().length >= 3 && produced(a!) >= 40 && produced(b!) >= 40, {
        timeoutMs: 15_000,
        what: 'three common seconds with all 40 stories',
      });
      const common = commonSeconds();
      for (const t of common) expect(received[b!]!.get(t)).toEqual(received[a!]!.get(t));
      // Summed over the instances, with each one's share listed.
      const busy = common.map((t) => received[a!]!.get(t)!).find((s) => s.instances?.length === 2);
      expect(busy?.instances?.map((i) => i.id)).toEqual(['i0', 'i1']);
      expect(busy!.poolSize).toBe(busy!.instances!.reduce((n, i) => n + i.poolSize, 0));
      expect(produced(a!)).toBe(40);
      expect(produced(b!)).toBe(40);
      // Each second once per dashboard, not once per instance relaying it.
      expect(repeats).toEqual([]);
    } finally {
      for (const s of sockets) s.disconnect();
    }
  }, 60_000);

  it("latencies and objectives are the cluster's: every story's latency counted once, one webhook POST per breach", async () => {
    const receiver = await startWebhookReceiver();
    started.push({ stop: receiver.close });
    const cluster = await startCluster(2, { SLO_STORY_P99_MS: '100', SLO_WINDOW_SECONDS: '3', ALERT_WEBHOOK_URL: receiver.url });
    const [a, b] = cluster.instances.map((p) => p.url);
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(a, { transports: ['websocket'], forceNew: true });
    const seconds = new Map<number, StatsSample>();
    socket.on('stats', (s) => seconds.set(s.t, s));
    try {
      // Slow stories on both instances: the cluster's p99 passes 100 ms.
      for (let i = 0; i < 6; i++)
        expect((await request([a, b][i % 2]!, 'POST', '/api/stories', { tasks: [{ estimate: 300 }, { estimate: 20 }] })).status).toBe(201);
      const counted = () => [...seconds.values()].reduce((n, s) => n + (s.latency?.count ?? 0), 0);
      await waitFor(() => counted() >= 6 && receiver.bodies.length >= 1, { timeoutMs: 10_000, what: 'six latencies and a firing POST' });
      const slo = async (url: string) => (await request<HealthDto>(url, 'GET', '/api/health')).body.slo;
      expect(await slo(a!)).toMatchObject([{ name: 'story_p99', status: 'firing' }]);
      expect(await slo(b!)).toMatchObject([{ name: 'story_p99', status: 'firing' }]);
      const slow = [...seconds.values()].find((s) => s.latency);
      expect(slow!.latency!.p99).toBeGreaterThanOrEqual(300);
      expect([...seconds.values()].some((s) => s.alerts?.some((alert) => alert.name === 'story_p99'))).toBe(true);

      // Fast ones: one resolved POST, from whichever instance leads, with the firing one's labels.
      const posts: Promise<{ status: number }>[] = [];
      const fast = setInterval(
        () => posts.push(request([a, b][posts.length % 2]!, 'POST', '/api/stories', { tasks: [{ estimate: 10 }] })),
        100,
      );
      try {
        await waitFor(() => receiver.bodies.length >= 2, { timeoutMs: 10_000, what: 'the resolved POST' });
        await new Promise((resolve) => setTimeout(resolve, 2000));
      } finally {
        clearInterval(fast);
      }
      // Every story accepted, the last POSTs included (they may still be in flight when the timer stops).
      const accepted = 6 + (await Promise.all(posts)).filter((res) => res.status === 201).length;
      expect(receiver.bodies.map((body) => body.status)).toEqual(['firing', 'resolved']);
      expect(receiver.bodies[1]!.alerts[0]!['labels']).toEqual(receiver.bodies[0]!.alerts[0]!['labels']);
      expect(await slo(b!)).toMatchObject([{ status: 'ok' }]);
      // Every story's latency in exactly one second, whichever instance ran it.
      await waitFor(async () => (await lastSample(a!))?.completed === accepted, { what: 'every story done' });
      await waitFor(() => counted() >= accepted, { what: 'a latency for every story done' }).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 1500)); // a second more: none counted twice
      expect({ latencies: counted(), done: accepted }).toEqual({ latencies: accepted, done: accepted });
    } finally {
      socket.disconnect();
    }
  }, 60_000);

  it('a restarted instance does not run stories that live instances own', async () => {
    const cluster = await startCluster(2);
    const [owner, other] = cluster.instances;
    // Ten stories of one 3-second task each, all accepted (and so owned) by the first instance.
    const ids: string[] = [];
    for (let i = 0; i < 10; i++)
      ids.push((await request<StoryDto>(owner!.url, 'POST', '/api/stories', { tasks: [{ estimate: 3000 }] })).body.id);
    other!.signal('SIGKILL');
    await other!.exited;
    const postedAt = Date.now();
    const restarted = await cluster.start(1);
    // It claimed nothing at start, and runs nothing while the owner lives. Only a second that began after the
    // posts counts: the killed instance may have been the leader, and until another takes over the last
    // published second is one from before the stories existed (open 0).
    const finished = async () => {
      const sample = await lastSample(owner!.url);
      return !!sample && sample.t >= postedAt && sample.open === 0;
    };
    await waitFor(finished, { timeoutMs: 30_000, what: 'the owner finished its stories' });
    expect(await metric(restarted.url, 'storyflow_tasks_run')).toBe(0);
    expect(await metric(owner!.url, 'storyflow_tasks_run')).toBe(10);
    expect(restarted.output()).not.toContain('took on stories whose owner is gone');
    for (const id of ids) expect((await request<StoryDto>(owner!.url, 'GET', `/api/stories/${id}`)).body.status).toBe('Done');
  }, 60_000);

  it('pause and deletion reach every instance', async () => {
    const cluster = await startCluster(2);
    const [a, b] = cluster.instances.map((p) => p.url);
    // A long story on A; deleted through B: A frees its workers.
    const story = (await request<StoryDto>(a!, 'POST', '/api/stories', { taskCount: 5, estimateMin: 60_000, estimateMax: 60_000 })).body;
    await waitFor(async () => (await lastSample(a!))?.busyWorkers === 5);
    expect((await request(b!, 'DELETE', `/api/stories/${story.id}`)).status).toBe(200);
    await waitFor(
      async () => {
        const s = await lastSample(a!);
        return s && s.busyWorkers === 0 && s.open === 0;
      },
      { timeoutMs: 5000, what: 'the owner freed its workers' },
    );
    // Paused through A: B starts nothing either.
    expect((await request(a!, 'PUT', '/api/processing', { paused: true })).status).toBe(200);
    await waitFor(async () => (await lastSample(b!))?.paused === true);
    const held = (await request<StoryDto>(b!, 'POST', '/api/stories', { tasks: [{ estimate: 5 }] })).body;
    // The cluster's figures for a second read a second after the story was queued: a running pool would have
    // run its 5 ms task by then; paused, it waits in the backlog and no worker is busy.
    const sample = await waitFor(async () => (await history(b!)).find((s) => s.t >= queuedAt(held)), { what: 'a later sample' });
    expect(sample).toMatchObject({ paused: true, backlogTasks: 1, busyWorkers: 0 });
    expect((await request<StoryDto>(b!, 'GET', `/api/stories/${held.id}`)).body).toMatchObject({ status: 'Open', doneCount: 0 });
    expect((await request(b!, 'PUT', '/api/processing', { paused: false })).status).toBe(200);
    await waitFor(async () => (await request<StoryDto>(a!, 'GET', `/api/stories/${held.id}`)).body.status === 'Done');
  }, 60_000);

  it("a batch is admitted per story against the cluster's bound, and a keyed batch sent again to another instance replays", async () => {
    const cluster = await startCluster(2, { MAX_OPEN_TASKS: '1500', MAX_TASKS: '1000' });
    const [a, b] = cluster.instances.map((p) => p.url);
    const long = (n: number) => ({ taskCount: n, estimateMin: 60_000, estimateMax: 60_000 });
    const post = (base: string, stories: unknown[], headers: Record<string, string> = {}) =>
      request<StoryBatchResultDto>(base, 'POST', '/api/stories/batch', { stories }, headers);
    expect((await post(a!, [long(1000)])).status).toBe(201);
    // 1,000 of 1,500 held on A: on B, 400 more fit, 200 after them do not, one short task still does.
    const mixed = await post(b!, [long(400), long(200), { tasks: [{ estimate: 5 }] }]);
    expect([mixed.status, mixed.body.results.map((r) => (r.ok ? 201 : r.status))]).toEqual([207, [201, 503, 201]]);
    const short = mixed.body.results[2]!;
    await waitFor(async () => short.ok && (await request<StoryDto>(a!, 'GET', `/api/stories/${short.id}`)).body.status === 'Done', {
      timeoutMs: 10_000,
      what: 'the short story Done',
    });
    const key = `cluster-${Date.now()}`;
    const stories = [{ tasks: [{ estimate: 5 }] }, { tasks: [{ estimate: 6 }] }];
    const first = await post(a!, stories, { 'Idempotency-Key': key });
    const again = await post(b!, stories, { 'Idempotency-Key': key });
    expect([first.status, again.status, again.header['idempotent-replayed']]).toEqual([201, 200, 'true']);
    expect(again.body.results).toEqual(first.body.results.map((r) => ({ ...r, replayed: true })));
  }, 60_000);

  it('rate limits, admission and the socket cap hold across the instances', async () => {
    const cluster = await startCluster(2, {
      RATE_LIMIT_PER_SEC: '1',
      RATE_LIMIT_BURST: '3',
      MAX_OPEN_TASKS: '1500',
      MAX_TASKS: '1000',
      MAX_SOCKETS_PER_CLIENT: '2',
    });
    const [a, b] = cluster.instances.map((p) => p.url);
    // Three mutations in the window, whichever instance answers: the fourth is refused on either.
    const big = { taskCount: 1000, estimateMin: 60_000, estimateMax: 60_000 };
    expect((await request(a!, 'POST', '/api/stories', big)).status).toBe(201);
    // Admission: 1,000 of 1,500 held on A; 1,000 more on B would exceed the cluster's bound.
    const refused = await request<{ error: { code: string } }>(b!, 'POST', '/api/stories', big);
    expect([refused.status, refused.body.error.code]).toEqual([503, 'overloaded']);
    expect((await request(b!, 'POST', '/api/stories', { tasks: [{ estimate: 1 }] })).status).toBe(201);
    const limited = await request<{ error: { code: string } }>(a!, 'POST', '/api/stories', { tasks: [{ estimate: 1 }] });
    expect([limited.status, limited.body.error.code]).toEqual([429, 'rate_limited']);
    // Two sockets from this address in all: one on each instance, then a third is refused.
    const sockets: Socket[] = [];
    try {
      for (const url of [a!, b!]) {
        const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false });
        sockets.push(socket);
        await new Promise((resolve, reject) => (socket.once('stats:snapshot', resolve), socket.once('connect_error', reject)));
      }
      const third = io(a, { transports: ['websocket'], forceNew: true, reconnection: false });
      sockets.push(third);
      // Refused at the WebSocket handshake (the client only sees that it failed).
      await new Promise<Error>((resolve) => third.once('connect_error', resolve));
      expect(third.connected).toBe(false);
      // A slot comes back when a socket closes.
      sockets[0]!.disconnect();
      await waitFor(async () => {
        const again = io(a, { transports: ['websocket'], forceNew: true, reconnection: false });
        sockets.push(again);
        return new Promise<boolean>(
          (resolve) => (again.once('stats:snapshot', () => resolve(true)), again.once('connect_error', () => resolve(false))),
        );
      });
    } finally {
      for (const s of sockets) s.disconnect();
    }
  }, 60_000);
});
