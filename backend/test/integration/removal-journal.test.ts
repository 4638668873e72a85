import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Connection } from 'mongoose';
import { uniqueDbName } from '@storyflow/test-support';
import { connectDatabase } from '../../src/db/connection.js';
import { DbGate } from '../../src/db/db-gate.js';
import { createLogger } from '../../src/logger.js';
import { RemovalJournal } from '../../src/stories/removal-journal.js';
import { COUNTERS_ID, storyModels } from '../../src/stories/story.model.js';
import { newStoryDocument } from '../../src/stories/story.repository.js';
import { testDbUri } from '../support/test-db.js';

let connection: Connection;
let models: ReturnType<typeof storyModels>;

beforeAll(async () => {
  connection = await connectDatabase(testDbUri(), uniqueDbName('journal'), 4000, createLogger({ level: 'silent', pretty: false }));
  models = storyModels(connection);
});
afterAll(() => connection?.close());

describe('the removal journal', () => {
  it('counts a half-done removal once, however many instances finish it at the same time', async () => {
    const doc = newStoryDocument({ title: null, externalRef: null, estimates: [5], createdAt: new Date() });
    await models.Story.collection.insertOne(doc);
    // Its writer died after the delete, before the increment.
    const intent = { openIds: [doc._id], doneIds: [], reason: 'delete', at: Date.now() - 120_000, writer: 'gone' };
    await models.Counters.collection.updateOne(
      { _id: COUNTERS_ID as never },
      { $set: { 'removals.k': intent, deleted: 0 } },
      { upsert: true },
    );
    await models.Story.collection.deleteOne({ _id: doc._id });
    const finishers = Array.from({ length: 4 }, (_, i) => new RemovalJournal(models, new DbGate(4000), `i${i}`));
    const results = await Promise.all(finishers.map((j) => j.resumePending()));
    const counted = results.reduce((n, r) => n + (r?.open ?? 0), 0);
    expect(counted).toBe(1);
    const counters = await models.Counters.collection.findOne({ _id: COUNTERS_ID as never });
    expect(counters?.deleted).toBe(1);
    expect(counters?.removals).toEqual({});
  });
});
