import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { io, type Socket } from 'socket.io-client';
import type {
  ApiErrorBody,
  BulkActionResultDto,
  ClientToServerEvents,
  InfoDto,
  ProcessingDto,
  ServerToClientEvents,
  StatsHistoryDto,
  StoriesActivity,
  StoryDto,
  StoryListDto,
  StoryProgressDto,
} from '@storyflow/contracts';
import { uniqueDbName, waitFor } from '@storyflow/test-support';
import { because } from '../support/because.js';
import { FakeClock } from '../support/fake-clock.js';
import { api, request } from '../support/http.js';
import { startTestServer } from '../support/test-server.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer({ RATE_LIMIT_PER_SEC: '0' });
});
afterAll(() => server?.stop());

const create = async (body: unknown) => {
  const res = await request<StoryDto>(server.url, 'POST', '/api/stories', body);
  expect(res.status).toBe(201);
  return res.body;
};
const list = async (query: string) => (await request<StoryListDto>(server.url, 'GET', `/api/stories${query}`)).body;

describe('search and counts', () => {
  it('finds stories by title words (prefix, any case), by id, and by the original client’s job id', async () => {
    const nightly = await create({ title: 'Nightly Deploy of api', tasks: [{ estimate: 1 }] });
    const hotfix = await create({ title: 'deploy hotfix', tasks: [{ estimate: 1 }] });
    await create({ title: 'Weekly report', tasks: [{ estimate: 1 }] });
    const job = (await request<StoryDto>(server.url, 'POST', '/api/jobs', { id: 4711, tasks: [{ id: 1, estimate: 1 }] })).body;
    expect(new Set((await list('?q=DEPL')).items.map((s) => s.id))).toEqual(new Set([nightly.id, hotfix.id]));
    expect((await list('?q=deploy%20nig')).items.map((s) => s.id)).toEqual([nightly.id]);
    expect((await list(`?q=${hotfix.id}`)).items.map((s) => s.id)).toEqual([hotfix.id]);
    expect((await list('?q=4711')).items.map((s) => s.id)).toEqual([job.id]);
    expect((await list('?q=nothing-like-it')).total).toBe(0);
    // Regex characters are text, not patterns.
    expect((await list('?q=.*')).total).toBe(0);
  });

  it('counts the matches by status for the filter buttons', async () => {
    await create({ title: 'count-me slow', tasks: [{ estimate: 60_000 }] });
    const fast = await create({ title: 'count-me fast', tasks: [{ estimate: 1 }] });
    await waitFor(async () => (await api(server.url).getStory(fast.id)).body.status === 'Done');
    const all = await list('?q=count-me');
    expect(all.counts).toEqual({ all: 2, Open: 1, Done: 1 });
    const open = await list('?q=count-me&status=Open');
    expect([open.total, open.items.length, open.counts.all]).toEqual([1, 1, 2]);
  });

  it('refuses a search that is too long or repeated', async () => {
    expect((await request<ApiErrorBody>(server.url, 'GET', `/api/stories?q=${'x'.repeat(201)}`)).status).toBe(400);
    expect((await request<ApiErrorBody>(server.url, 'GET', '/api/stories?q=a&q=b')).status).toBe(400);
  });
});

describe('live progress, rerun, bulk actions', () => {
  it('lists a running story with its live done count, running tasks and start time', async () => {
    const story = await create({ title: 'progress', taskCount: 40, estimateMin: 100, estimateMax: 100 });
    const running = await waitFor(async () => {
      const s = (await list(`?q=${story.id}`)).items[0]!;
      return s.runningTasks > 0 && s;
    });
    expect(running.startedAt).not.toBeNull();
    const detail = (await api(server.url).getStory(story.id)).body;
    expect(detail.running.length).toBeGreaterThan(0);
    await waitFor(async () => (await api(server.url).getStory(story.id)).body.status === 'Done');
    const done = (await api(server.url).getStory(story.id)).body;
    expect([done.doneCount, done.runningTasks, done.running]).toEqual([40, 0, []]);
    expect(done.tasks.every((t) => t.doneAt !== null)).toBe(true);
  });

  it('runs a story again as a new one with the same estimates; 404 for an unknown id', async () => {
    const original = await create({ title: 'again', tasks: [{ estimate: 3 }, { estimate: 7 }] });
    const again = await request<StoryDto>(server.url, 'POST', `/api/stories/${original.id}/rerun`);
    expect(again.status).toBe(201);
    expect(again.body.id).not.toBe(original.id);
    expect(again.body.title).toBe('again (again)');
    expect(again.body.tasks.map((t) => t.estimate)).toEqual([3, 7]);
    expect((await request(server.url, 'POST', '/api/stories/0123456789abcdef01234567/rerun')).status).toBe(404);
  });

  it('deletes or reruns many at once, reporting each; validates the request', async () => {
    const a = await create({ tasks: [{ estimate: 1 }] });
    const b = await create({ tasks: [{ estimate: 1 }] });
    const rerun = await request<BulkActionResultDto>(server.url, 'POST', '/api/stories/bulk', { action: 'rerun', ids: [a.id, b.id] });
    expect(rerun.body.results.map((r) => [r.id, r.ok, typeof r.newId])).toEqual([
      [a.id, true, 'string'],
      [b.id, true, 'string'],
    ]);
    const missing = '0123456789abcdef01234567';
    const deleted = await request<BulkActionResultDto>(server.url, 'POST', '/api/stories/bulk', { action: 'delete', ids: [a.id, missing] });
    expect(deleted.body.results).toEqual([
      { id: a.id, ok: true },
      { id: missing, ok: false, error: `story '${missing}' does not exist` },
    ]);
    for (const bad of [
      { action: 'delete', ids: [] },
      { action: 'delete', ids: [a.id, a.id] },
      { action: 'explode', ids: [a.id] },
      { action: 'delete', ids: ['x'] },
    ]) {
      const status = (await request(server.url, 'POST', '/api/stories/bulk', bad)).status;
      because(JSON.stringify(bad), () => expect(status).toBe(400));
    }
    expect(
      (await request(server.url, 'POST', '/api/stories/bulk', { action: 'delete', ids: Array.from({ length: 101 }, () => a.id) })).status,
    ).toBe(400);
  });
});

describe('pause and resume', () => {
  it('paused: running tasks finish, no new one starts; resumed: the backlog runs', async () => {
    const paused = await request<ProcessingDto>(server.url, 'PUT', '/api/processing', { paused: true });
    expect(paused.body.paused).toBe(true);
    try {
      // (A story of an earlier test may still hold a worker: running tasks finish.)
      const before = await waitFor(async () => {
        const s = await api(server.url).lastSample();
        return s?.paused && s;
      });
      const story = await create({ taskCount: 5, estimateMin: 50, estimateMax: 50 });
      // A second's figures read a second after the story was queued: a running pool would have run its five
      // 50 ms tasks by then; paused, all five wait in the backlog and no new task has started.
      const sample = await api(server.url).sampleFrom(Date.now());
      expect(sample.paused).toBe(true);
      expect(sample.backlogTasks).toBe(before.backlogTasks + 5);
      expect(sample.busyWorkers).toBeLessThanOrEqual(before.busyWorkers);
      expect((await api(server.url).getStory(story.id)).body).toMatchObject({ status: 'Open', doneCount: 0, runningTasks: 0 });
      expect((await request<InfoDto>(server.url, 'GET', '/api/info')).body.paused).toBe(true);
      const resumed = await request<ProcessingDto>(server.url, 'PUT', '/api/processing', { paused: false });
      expect(resumed.body.paused).toBe(false);
      await waitFor(async () => (await api(server.url).getStory(story.id)).body.status === 'Done');
    } finally {
      await request(server.url, 'PUT', '/api/processing', { paused: false });
    }
    expect((await request(server.url, 'PUT', '/api/processing', { paused: 'yes' })).status).toBe(400);
  });
});

describe('info and persisted history', () => {
  it('tells the database mode, retention and since when counters count', async () => {
    const info = (await request<InfoDto>(server.url, 'GET', '/api/info')).body;
    expect(info).toMatchObject({ db: { mode: 'external', durable: true }, retention: { doneSeconds: 0, maxDoneTasks: 0 }, paused: false });
    expect(info.countersSince).toBeLessThanOrEqual(Date.now());
    expect((await api(server.url).stats()).body.countersSince).toBe(info.countersSince);
  });

  it('serves the per-second figures by range, persisted across a restart, with the downtime as a gap', async () => {
    // Both servers on one fake clock: their seconds, the downtime between them and the periodic history
    // writes (every 5 s) happen when the test moves the time, not after real seconds of waiting.
    const clock = new FakeClock(Date.now() - (Date.now() % 1000));
    const history = async (url: string, range = '1m') => {
      const res = await request<StatsHistoryDto>(url, 'GET', `/api/stats/history?range=${range}`);
      expect(res.status).toBe(200);
      return res.body;
    };
    // A second at a time while a server runs: after each, a read of the database, so that what the second
    // started (its health ping, whose deadline is two seconds off) is answered before the time moves on.
    const run = async (url: string, seconds: number) => {
      for (let i = 0; i < seconds; i++) {
        clock.advanceBy(1000);
        await history(url);
      }
    };
    const env = { MONGODB_DB: uniqueDbName('h'), RATE_LIMIT_PER_SEC: '0' };
    const first = await startTestServer(env, { clock });
    let second: typeof first | undefined;
    try {
      await run(first.url, 3);
      await first.stop(); // flushes what it recorded
      const stoppedAt = clock.now();
      clock.advanceBy(3000); // down for three seconds
      second = await startTestServer(env, { clock });
      await run(second.url, 6); // with one periodic write, after five seconds
      const h = await waitFor(
        async () => {
          const res = await history(second!.url);
          return res.points.some((p) => p.t > stoppedAt + 2000) && res;
        },
        { what: "the second server's periodic history write" },
      );
      expect(h.stepSec).toBe(1);
      const times = h.points.map((p) => p.t);
      expect(times.some((t) => t < stoppedAt - 1000)).toBe(true);
      expect(times.some((t) => t > stoppedAt + 2000)).toBe(true);
      // No points for the seconds the server was down: consecutive points two seconds or more apart.
      const gaps = times.slice(1).map((t, i) => t - times[i]!);
      expect(Math.max(...gaps)).toBeGreaterThanOrEqual(2000);
      expect(gaps.filter((g) => g > 1000)).toHaveLength(1);
      const coarse = await history(second.url, '15m');
      expect(coarse.stepSec).toBe(5);
      expect(coarse.points.every((p) => p.t % 5000 === 0)).toBe(true);
      expect((await request(second.url, 'GET', '/api/stats/history?range=2d')).status).toBe(400);
      // Once its minute is over and rolled up (a pass every minute), the longer ranges show it from the rollups.
      await run(second.url, 65);
      const hours = await history(second.url, '6h');
      expect(hours.stepSec).toBe(60);
      expect(hours.points.some((p) => p.t <= stoppedAt - 1000 && stoppedAt - 1000 < p.t + 60_000)).toBe(true);
      for (const [range, stepSec] of [
        ['24h', 300],
        ['7d', 1800],
        ['30d', 14_400],
        ['90d', 43_200],
      ] as const)
        expect([range, (await history(second.url, range)).stepSec]).toEqual([range, stepSec]);
    } finally {
      await second?.stop();
    }
  });
});

describe('live events for the dashboard', () => {
  it('sends progress of watched stories (and their end), and the stories’ activity every second', async () => {
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(server.url, { transports: ['websocket'], forceNew: true });
    const progress: StoryProgressDto[] = [];
    const activity: StoriesActivity[] = [];
    try {
      await new Promise((resolve) => socket.once('stats:snapshot', resolve));
      socket.on('story:progress', (p) => progress.push(p));
      socket.on('stories:activity', (a) => activity.push(a));
      const slow = await create({ taskCount: 30, estimateMin: 100, estimateMax: 100 });
      const victim = await create({ tasks: [{ estimate: 60_000 }] });
      socket.emit('stories:watch', [slow.id, victim.id, 'not-an-id', 42 as unknown as string]);
      await waitFor(() => progress.some((p) => p.id === slow.id && p.status === 'Done'));
      const mine = progress.filter((p) => p.id === slow.id);
      expect(mine.some((p) => p.status === 'Open' && p.runningTasks > 0)).toBe(true);
      expect(mine.at(-1)).toMatchObject({ status: 'Done', doneCount: 30, runningTasks: 0 });
      expect((await api(server.url).deleteStory(victim.id)).status).toBe(200);
      await waitFor(() => progress.some((p) => p.id === victim.id && p.status === 'Deleted'));
      // Not watched: no events.
      const other = await create({ tasks: [{ estimate: 1 }] });
      await waitFor(() => activity.length >= 2);
      expect(progress.some((p) => p.id === other.id)).toBe(false);
      const last = activity.at(-1)!;
      expect(last.counts.Open + last.counts.Done).toBe((await list('')).total);
      expect(activity.reduce((n, a) => n + a.created, 0)).toBeGreaterThanOrEqual(3);
    } finally {
      socket.disconnect();
    }
  });
});
