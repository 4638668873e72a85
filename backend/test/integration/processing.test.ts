import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, referenceStory, waitFor } from '../support/http.js';
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
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 50)); // the reference arrival rate
    }
    await waitFor(
      async () =>
        (await api(server.url).stats()).body.history.at(-1)?.open === 0 &&
        (await api(server.url).list('?status=Done&limit=100')).body.total === N,
    );

    expect(count('insert')).toBe(N);
    const updates = count('update');
    // Each story gets its progress updates (one per flush interval it spans) and one final update.
    expect(updates).toBeGreaterThanOrEqual(N);
    expect(updates).toBeLessThanOrEqual(N * 5);
    expect(updates).toBeLessThan(tasks / 8);
    // Bulk writes: several stories per update command on average.
    const updateCommands = commands.filter((c) => c.name === 'update' && c.collection === 'stories').length;
    expect(updateCommands).toBeLessThan(updates);
    expect(commands.filter((c) => c.name === 'findAndModify')).toHaveLength(0);

    // Every task is Done exactly in the stored documents.
    for (const id of ids.slice(0, 5)) {
      const story = (await api(server.url).getStory(id)).body;
      expect(story.status).toBe('Done');
      expect(story.doneCount).toBe(story.taskCount);
      expect(story.tasks.every((t) => t.status === 'Done')).toBe(true);
    }
  });

  it('answers statistics from memory, without querying the database', async () => {
    commands.length = 0;
    for (let i = 0; i < 10; i++) expect((await api(server.url).stats()).status).toBe(200);
    expect(commands).toHaveLength(0);
  });
});
