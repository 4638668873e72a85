import mongoose from 'mongoose';
import { afterEach, describe, expect, it } from '@jest/globals';
import { uniqueDbName, waitFor } from '@storyflow/test-support';
import { COUNTERS_ID, storyModels } from '../../src/stories/story.model.js';
import { FakeClock } from '../support/fake-clock.js';
import { api } from '../support/http.js';
import { testDbUri } from '../support/test-db.js';
import { startTestServer } from '../support/test-server.js';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

const last = async (url: string) => (await api(url).stats()).body.history.at(-1);

/** Stores one Done story in `db` and backdates its completion by a year: any retention period would purge it. */
async function storeOldDoneStory(db: string): Promise<string> {
  const server = await startTestServer({ MONGODB_DB: db });
  let id: string;
  try {
    id = (await api(server.url).createStory({ tasks: [{ estimate: 5 }] })).body.id;
    await waitFor(async () => (await api(server.url).getStory(id)).body.status === 'Done', { what: 'story Done' });
  } finally {
    await server.stop();
  }
  const conn = await mongoose.createConnection(testDbUri(), { dbName: db, autoCreate: false }).asPromise();
  try {
    const yearAgo = new Date(Date.now() - 365 * 24 * 3600 * 1000);
    const { modifiedCount } = await storyModels(conn).Story.updateOne({ _id: id }, { $set: { completedAt: yearAgo } });
    expect(modifiedCount).toBe(1);
  } finally {
    await conn.close();
  }
  return id;
}

describe('retention of Done stories', () => {
  it('purges old Done stories in batches without changing the counters, also across a restart', async () => {
    const db = uniqueDbName('retention');
    const env = { MONGODB_DB: db, RETENTION_DONE_SECONDS: '1', RETENTION_SWEEP_MS: '200' };
    const server = await startTestServer(env);
    stops.push(() => server.stop());
    const N = 12;
    for (let i = 0; i < N; i++) expect((await api(server.url).createStory({ tasks: [{ estimate: 5 }, { estimate: 8 }] })).status).toBe(201);
    await waitFor(async () => (await last(server.url))?.completed === N);
    // Gone from the collection after the retention period...
    await waitFor(async () => (await api(server.url).list()).body.total === 0, { timeoutMs: 10_000, what: 'purge' });
    // ...but still counted, in the first sample taken after the purge.
    const purgedAt = Date.now();
    const sample = await waitFor(async () => {
      const s = await last(server.url);
      return s && s.t > purgedAt && s;
    });
    expect(sample).toMatchObject({ completed: N, open: 0 });
    await server.stop();
    stops.pop();

    const restarted = await startTestServer(env);
    stops.push(() => restarted.stop());
    await waitFor(async () => (await api(restarted.url).stats()).body.history.length > 0);
    expect(await last(restarted.url)).toMatchObject({ completed: N, open: 0 });
  });

  it('is off by default against an external database', async () => {
    const SWEEP_MS = 100;
    const [offDb, onDb] = [uniqueDbName('retention_off'), uniqueDbName('retention_on')];
    const offId = await storeOldDoneStory(offDb);
    const onId = await storeOldDoneStory(onDb);
    let deletes = 0;
    // Both servers on one fake clock: the test moves their time, so "ten sweep intervals" is counted, not slept.
    const clock = new FakeClock(Date.now());
    const off = await startTestServer(
      { MONGODB_DB: offDb, RETENTION_SWEEP_MS: String(SWEEP_MS) },
      {
        clock,
        onDbCommand: (name, command) => {
          if (name === 'delete' && command.delete === 'stories') deletes++;
        },
      },
    );
    stops.push(() => off.stop());
    // Control: with retention on, the same kind of story is gone after the first sweeps...
    const on = await startTestServer({ MONGODB_DB: onDb, RETENTION_DONE_SECONDS: '3600', RETENTION_SWEEP_MS: String(SWEEP_MS) }, { clock });
    stops.push(() => on.stop());
    // Ten sweep intervals, one at a time; after each, both servers answer a read (what the step started has run).
    for (let i = 0; i < 10; i++) {
      clock.advanceBy(SWEEP_MS);
      await api(on.url).getStory(onId);
      await api(off.url).getStory(offId);
    }
    await waitFor(async () => (await api(on.url).getStory(onId)).status === 404, { timeoutMs: 10_000, what: 'control purge' });
    // ...while without the setting, the same ten sweep intervals passed and nothing is removed.
    expect((await api(off.url).getStory(offId)).status).toBe(200);
    expect(deletes).toBe(0);
  });
});

describe('an interrupted removal', () => {
  it('is completed at start: what was deleted is counted once, what remains stays', async () => {
    const db = uniqueDbName('repair');
    const first = await startTestServer({ MONGODB_DB: db });
    stops.push(() => first.stop());
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await api(first.url).createStory({ tasks: [{ estimate: 5 }] })).body.id);
    await waitFor(async () => (await last(first.url))?.completed === 3);
    await first.stop();
    stops.pop();

    // Simulate a crash between the delete and the counter update: intent written, one story deleted.
    const conn = await mongoose.createConnection(testDbUri(), { dbName: db, autoCreate: false }).asPromise();
    const { Story, Counters } = storyModels(conn);
    const toIds = (xs: string[]) => xs.map((x) => new mongoose.Types.ObjectId(x));
    await Counters.updateOne(
      { _id: COUNTERS_ID },
      { $set: { 'removals.crashed': { openIds: [], doneIds: toIds(ids.slice(0, 2)), reason: 'delete' } } },
      { upsert: true },
    );
    await Story.deleteOne({ _id: ids[0] });
    await conn.close();

    const second = await startTestServer({ MONGODB_DB: db });
    stops.push(() => second.stop());
    await waitFor(async () => (await api(second.url).stats()).body.history.length > 0);
    expect(await last(second.url)).toMatchObject({ completed: 3, open: 0 });
    expect((await api(second.url).list()).body.total).toBe(2);
    expect((await api(second.url).getStory(ids[1]!)).status).toBe(200);
    // The intent is cleared: a second restart counts nothing again.
    await second.stop();
    stops.pop();
    const third = await startTestServer({ MONGODB_DB: db });
    stops.push(() => third.stop());
    await waitFor(async () => (await api(third.url).stats()).body.history.length > 0);
    expect(await last(third.url)).toMatchObject({ completed: 3, open: 0 });
  });
});
