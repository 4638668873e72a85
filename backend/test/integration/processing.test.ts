import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { referenceIntervalMs, referenceStory, sleep, waitFor } from '@storyflow/test-support';
import { api, request } from '../support/http.js';
import { startTestServer } from '../support/test-server.js';

interface Recorded {
  name: string;
  collection: unknown;
  statements: number;
}

const commands: Recorded[] = [];
let server: Awaited<ReturnType<typeof startTestServer>>;

beforeAll(async () => {
  server = await startTestServer(
    { FLUSH_INTERVAL_MS: '200' },
    {
      onDbCommand: (name, command) => {
        const statements =
          name === 'insert'
            ? (command.documents as unknown[]).length
            : name === 'update'
              ? (command.updates as unknown[]).length
              : name === 'delete'
                ? (command.deletes as unknown[]).length
                : 1;
        commands.push({ name, collection: command[name], statements });
      },
    },
  );
});
afterAll(() => server?.stop());

const count = (name: string, collection = 'stories') =>
  commands.filter((c) => c.name === name && c.collection === collection).reduce((n, c) => n + c.statements, 0);

describe('database writes are O(1) per story, never per task', () => {
  it('inserts once per story and group-commits task completions', async () => {
    await waitFor(async () => (await api(server.url).stats()).body.history.length > 0);
    commands.length = 0;
    const N = 40;
    let tasks = 0;
    const ids: string[] = [];
    for (let i = 0; i < N; i++) {
      const body = referenceStory();
      tasks += body.tasks.length;
      const res = await api(server.url).createStory(body);
      expect(res.status).toBe(201);
      ids.push(res.body.id);
      await sleep(referenceIntervalMs()); // the reference arrival rate, not a wait for a result
    }
    await waitFor(
      async () =>
        (await api(server.url).stats()).body.history.at(-1)?.open === 0 &&
        (await api(server.url).list('?status=Done&limit=100')).body.total === N,
    );

    expect(count('insert')).toBe(N);
    const updates = count('update');
    // A reference story runs well under the progress-write interval (1 s): one final update each,
    // plus a progress write for the rare story that waits longer.
    expect(updates).toBeGreaterThanOrEqual(N);
    expect(updates).toBeLessThanOrEqual(N * 1.5);
    expect(updates).toBeLessThan(tasks / 20);
    expect(commands.filter((c) => c.name === 'findAndModify')).toHaveLength(0);

    // Every task is Done exactly in the stored documents.
    for (const id of ids.slice(0, 5)) {
      const story = (await api(server.url).getStory(id)).body;
      expect(story.status).toBe('Done');
      expect(story.doneCount).toBe(story.taskCount);
      expect(story.tasks.every((t) => t.status === 'Done')).toBe(true);
    }
  });

  it("writes a long story's progress by time, not per task", async () => {
    // 120 tasks on one worker: about 2.4 s of work, i.e. two progress writes and the final update.
    let soloUpdates = 0;
    const solo = await startTestServer(
      { POOL_MIN: '1', POOL_MAX: '1', PROGRESS_WRITE_INTERVAL_MS: '1000' },
      {
        onDbCommand: (name, command) => {
          if (name === 'update' && command.update === 'stories') soloUpdates += (command.updates as unknown[]).length;
        },
      },
    );
    try {
      const story = (await api(solo.url).createStory({ taskCount: 120, estimateMin: 20, estimateMax: 20 })).body;
      const progress = await waitFor(async () => {
        const s = (await api(solo.url).getStory(story.id)).body;
        const stored = s.tasks.filter((t) => t.status === 'Done').length;
        return stored > 0 && s.status === 'Open' && { stored, live: s.doneCount };
      });
      // Progress is stored while it runs (the API shows the live count, which is at least that)...
      expect(progress.live).toBeGreaterThanOrEqual(progress.stored);
      await waitFor(async () => (await api(solo.url).getStory(story.id)).body.status === 'Done');
      // ...at a cost that depends on the duration, not on the 120 tasks.
      expect(soloUpdates).toBeGreaterThanOrEqual(2);
      expect(soloUpdates).toBeLessThanOrEqual(4);
    } finally {
      await solo.stop();
    }
  });

  it('completes the stories that finish together with one write, not one per story', async () => {
    await waitFor(async () => (await api(server.url).stats()).body.history.at(-1)?.open === 0);
    commands.length = 0;
    const N = 100;
    // Paused while they arrive, so that they all run, and finish, together once resumed.
    await request(server.url, 'PUT', '/api/processing', { paused: true });
    await Promise.all(Array.from({ length: N }, () => api(server.url).createStory({ taskCount: 10, estimateMin: 20, estimateMax: 20 })));
    await request(server.url, 'PUT', '/api/processing', { paused: false });
    await waitFor(async () => (await api(server.url).list('?status=Open&limit=1')).body.total === 0);
    const stories = commands.filter((c) => c.collection === 'stories');
    expect(count('insert')).toBe(N);
    // The completions: one updateMany (or a few, if some finish while it is in flight) for the hundred.
    expect(stories.filter((c) => c.name === 'update').length).toBeLessThanOrEqual(3);
  });

  it('answers statistics from memory, without querying the stories', async () => {
    // A quiet second first: nothing left to commit from the tests before.
    await waitFor(async () => {
      const last = (await api(server.url).stats()).body.history.at(-1);
      return last && last.open === 0 && last.completedPerSec === 0 && last.producedPerSec === 0 && last.busyWorkers === 0;
    });
    commands.length = 0;
    for (let i = 0; i < 10; i++) expect((await api(server.url).stats()).status).toBe(200);
    // Only the background work runs meanwhile: the health ping and the history's periodic write.
    expect(commands.filter((c) => c.name !== 'ping' && c.collection !== 'stats_minutes').map((c) => [c.name, c.collection])).toEqual([]);
    expect(commands.length).toBeLessThanOrEqual(3);
  });

  it('lists a page of the whole collection with one query: its status counts come from the counters; a search counts its matches', async () => {
    const created = await api(server.url).createStory({ title: 'count me', tasks: [{ estimate: 5 }] });
    await waitFor(async () => (await api(server.url).getStory(created.body.id)).body.status === 'Done');
    commands.length = 0;
    const page = await api(server.url).list('?limit=5&status=Done');
    const stats = (await api(server.url).stats()).body.history.at(-1)!;
    expect(page.body.counts).toEqual({ all: stats.open + page.body.counts.Done, Open: stats.open, Done: page.body.counts.Done });
    expect(page.body.total).toBe(page.body.counts.Done);
    const stories = () => commands.filter((c) => c.collection === 'stories').map((c) => c.name);
    expect(stories()).toEqual(['aggregate']); // the page (a projected read: see db/projected-find.ts)
    commands.length = 0;
    const search = await api(server.url).list('?q=count');
    expect(search.body.counts.Done).toBeGreaterThanOrEqual(1);
    expect(stories().sort()).toEqual(['aggregate', 'aggregate', 'aggregate']); // the page and two counts
  });
});
