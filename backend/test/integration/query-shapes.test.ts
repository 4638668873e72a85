import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Connection } from 'mongoose';
import { Types } from 'mongoose';
import { uniqueDbName } from '@storyflow/test-support';
import { connectDatabase } from '../../src/db/connection.js';
import { DbGate } from '../../src/db/db-gate.js';
import { createLogger } from '../../src/logger.js';
import { AuditLog } from '../../src/audit/audit-log.js';
import { History } from '../../src/stats/history.js';
import { StoredRollups } from '../../src/stats/history-rollups.js';
import { HistoryStore } from '../../src/stats/history-store.js';
import { IdempotencyKeys } from '../../src/stories/idempotency-keys.js';
import { StoredPurgedKeys } from '../../src/stories/purged-keys.js';
import { RemovalJournal } from '../../src/stories/removal-journal.js';
import { StoredTotalsReader } from '../../src/stories/stored-totals.js';
import { newStoryDocument, StoryRepository } from '../../src/stories/story.repository.js';
import { storyModels } from '../../src/stories/story.model.js';
import { because } from '../support/because.js';
import { judge, shapesOf, type Index, type QueryShape } from '../support/query-coverage.js';
import { testDbUri } from '../support/test-db.js';

/**
 * Every query the data-access classes send, judged as MongoDB's planner would: its filter bounded by an
 * index, its sort read in index order, and a server-side time limit no longer than the request's deadline.
 * Each public method is called (the table below must name every method, so a new one cannot be missed),
 * and the commands are read as the driver sent them.
 */

const DEADLINE_MS = 4000;
const QUERY_COMMANDS = new Set(['find', 'aggregate', 'count', 'update', 'delete', 'findAndModify']);
const sent: QueryShape[] = [];
let connection: Connection;
let gate: DbGate;
let repository: StoryRepository;
let journal: RemovalJournal;
let totals: StoredTotalsReader;
let history: HistoryStore;
let rollups: StoredRollups;
let keys: IdempotencyKeys;
let audit: AuditLog;

beforeAll(async () => {
  const logger = createLogger({ level: 'silent', pretty: false });
  connection = await connectDatabase(testDbUri(), uniqueDbName('shapes'), DEADLINE_MS, logger, (name, command) => {
    if (QUERY_COMMANDS.has(name)) sent.push(...shapesOf(name, command));
  });
  gate = new DbGate(DEADLINE_MS);
  const models = storyModels(connection);
  repository = new StoryRepository(models, gate, { listings: { concurrent: 4, queued: 16 }, completions: 'each' });
  keys = new IdempotencyKeys(models, gate, new StoredPurgedKeys(models, gate));
  journal = new RemovalJournal(models, gate, 'local', (ids) => keys.keepPurged(ids));
  totals = new StoredTotalsReader(models, gate);
  history = new HistoryStore(connection, gate);
  rollups = new StoredRollups(connection, gate);
  audit = new AuditLog(connection, gate);
  await repository.ensureIndexes();
  await keys.ensureIndexes();
  await history.ensureIndexes();
  await rollups.ensureIndexes();
  await audit.ensureIndexes();
});
afterAll(() => connection?.close());

const story = (title: string | null, externalRef: number | null = null) =>
  newStoryDocument({ title, externalRef, estimates: [10, 20], createdAt: new Date() });

/** A gate that fails its `n`th call after this one (a removal cut off mid-way, to be settled). */
function failingGate(n: number): DbGate {
  let calls = 0;
  const failing = Object.create(gate) as DbGate;
  failing.run = (call) => (++calls === n ? Promise.reject(new Error('cut off')) : gate.run(call));
  return failing;
}

/** Each method of each data-access class: how the test calls it, or which call covers it (private ones). */
const exercises: Record<string, () => Record<string, (() => Promise<unknown>) | string>> = {
  StoryRepository: () => ({
    ensureIndexes: 'beforeAll',
    insert: () => Promise.all([story('alpha beta'), story('gamma'), story(null, 42)].map((doc) => repository.insert(doc))),
    insertMany: () => repository.insertMany([story('delta'), story('epsilon')]),
    insertBatch: 'insert',
    findById: () => repository.findById(new Types.ObjectId().toHexString()),
    list: async () => {
      for (const query of [
        {},
        { status: 'Open' as const },
        { status: 'Done' as const },
        { q: 'alp bet' },
        { q: '42' },
        { q: new Types.ObjectId().toHexString() },
      ])
        await repository.list(query, 2, 10);
    },
    listPage: 'list',
    findOpen: async () => {
      await repository.findOpen();
      await repository.findOpen(await repository.openIds());
    },
    openIds: () => repository.openIds(),
    findDone: async () => {
      await repository.findDone(10);
      await repository.findDone(10, { completedBefore: new Date() });
      await repository.findDone(10, { earliestFirst: true });
    },
    doneRefs: () => repository.doneRefs(10),
    writeProgress: async () => {
      const [id] = await repository.openIds();
      await repository.writeProgress([{ id: id!, taskNumbers: [0], doneCount: 1, startedAt: Date.now() }], new Date());
    },
    completeStories: async () => {
      const finished = (ids: string[]) => ids.map((id) => ({ id, startedAt: Date.now() - 20, ranUntil: Date.now() - 10 }));
      const ids = await repository.openIds();
      await repository.completeStories(finished(ids.slice(0, 1)), 'mark-1', new Date());
      // One that is gone: fewer match than were sent, so this mark's stories are read back; in one write shared by all, as the stand-in's.
      const shared = new StoryRepository(storyModels(connection), gate, { listings: { concurrent: 4, queued: 16 }, completions: 'shared' });
      await shared.completeStories(finished([...ids.slice(1, 3), new Types.ObjectId().toHexString()]), 'mark-2', new Date());
      await repository.completeStories(finished([...ids.slice(3), new Types.ObjectId().toHexString()]), 'mark-3', new Date());
    },
    refs: () => repository.refs([new Types.ObjectId().toHexString()]),
  }),
  RemovalJournal: () => ({
    remove: async () => {
      const [done] = await repository.findDone(1);
      await journal.remove([done!], 'purge');
    },
    settle: async () => {
      const cutOff = new RemovalJournal(storyModels(connection), failingGate(2));
      const doc = story('settled');
      await repository.insert(doc);
      await expect(cutOff.remove([{ id: doc._id.toHexString(), status: 'Open', taskCount: 2 }], 'delete')).rejects.toThrow();
      await cutOff.settle();
    },
    resumePending: () => journal.resumePending(),
    existing: 'remove',
    apply: 'remove',
    unsettledCount: 'settle',
  }),
  StoredTotalsReader: () => ({
    currentTotals: () => totals.currentTotals(),
    countingSince: () => totals.countingSince(new Date()),
    totals: () => totals.totals(),
    count: 'totals',
    storedCount: 'currentTotals',
    countersDoc: 'totals',
    doneTotals: 'totals',
  }),
  IdempotencyKeys: () => ({
    ensureIndexes: 'beforeAll',
    keepPurged: async () => {
      const keyed = ['kept-1', 'kept-2'].map((key) =>
        newStoryDocument({ title: key, externalRef: null, estimates: [5], createdAt: new Date(), idempotency: { key, requestHash: 'h' } }),
      );
      await repository.insertMany(keyed);
      await keys.keepPurged(keyed.map((d) => d._id));
    },
    earlierAttempts: () => keys.earlierAttempts(['some-key#0', 'some-key#1'], 'h', Date.now()),
    storiesOf: 'earlierAttempts',
    release: () => keys.release('some-key', new Date()),
  }),
  StoredPurgedKeys: () => ({ ensureIndexes: 'beforeAll', keep: 'keepPurged', find: 'earlierAttempts', release: 'release' }),
  HistoryStore: () => ({
    ensureIndexes: 'beforeAll',
    record: () =>
      Promise.resolve(
        history.record({
          t: Date.now() - (Date.now() % 1000),
          producedPerSec: 1,
          completedPerSec: 1,
          open: 0,
          completed: 1,
          poolSize: 4,
          busyWorkers: 0,
          backlogTasks: 0,
        }),
      ),
    flush: () => history.flush(Date.now()),
    trim: () => history.trim(Date.now()),
    spans: () => new History(history, rollups).range('15m', Date.now()),
    unrolled: () => new History(history, rollups).maintain(Date.now()),
    markRolled: 'unrolled',
  }),
  StoredRollups: () => ({
    ensureIndexes: 'beforeAll',
    write: 'trim',
    unrolledMinutes: 'trim',
    markRolled: 'trim',
    minutes: 'trim',
    // A pass rolls the minute recorded above into its hour, then trims: every method of both resolutions.
    trim: () => new History(history, rollups).maintain(Date.now()),
    steps: async () => {
      await new History(history, rollups).range('24h', Date.now());
      await new History(history, rollups).range('90d', Date.now());
    },
  }),
  AuditLog: () => ({
    ensureIndexes: 'beforeAll',
    record: () =>
      audit.record({
        at: new Date(),
        action: 'pause',
        role: 'operator',
        token: false,
        client: '::1',
        instance: 'local',
        target: {},
        status: 200,
      }),
    page: async () => {
      const first = await audit.page({ limit: 1 });
      await audit.page({ limit: 1, action: 'pause', ...(first.items[0] ? { before: first.items[0].id } : {}) });
      await audit.page({ limit: 1, before: '0123456789abcdef01234567' });
    },
    trim: () => audit.trim(Date.now(), 10),
  }),
};

const classes = {
  StoryRepository,
  RemovalJournal,
  StoredTotalsReader,
  IdempotencyKeys,
  StoredPurgedKeys,
  HistoryStore,
  StoredRollups,
  AuditLog,
};

/** What MongoDB may do beyond its index bounds, and why that is bounded anyway. */
const ALLOWED: { what: string; applies: (shape: QueryShape) => boolean }[] = [
  {
    what:
      'a search reads the stories whose title words start with its words (titleWords index) or with its job number ' +
      '(externalRef index), then checks their status and sorts them for the page (top skip+limit): bounded by its matches',
    applies: (shape) => shape.collection === 'stories' && /titleWords|externalRef/.test(JSON.stringify(shape.filter)),
  },
];

describe('every query the server sends', () => {
  it('is issued by the table of exercises, which names every method of every data-access class', async () => {
    for (const [name, cls] of Object.entries(classes)) {
      const table = exercises[name]!();
      const methods = Object.getOwnPropertyNames(cls.prototype).filter((m) => m !== 'constructor');
      because(name, () => expect(Object.keys(table).sort()).toEqual(methods.sort()));
    }
    for (const name of Object.keys(classes))
      for (const run of Object.values(exercises[name]!())) if (typeof run === 'function') await run();
    expect(sent.length).toBeGreaterThan(20);
  });

  it('carries a server-side time limit no longer than the request deadline', () => {
    for (const shape of sent)
      because(JSON.stringify(shape), () => {
        expect(shape.maxTimeMS).toBeDefined();
        expect(shape.maxTimeMS!).toBeLessThanOrEqual(DEADLINE_MS);
      });
  });

  it('is served by an index: filter bounded, sort in index order', async () => {
    const indexes = new Map<string, Index[]>();
    for (const collection of new Set(sent.map((s) => s.collection)))
      indexes.set(
        collection,
        // The _id index is unique whether or not the server says so.
        (await connection.db!.collection(collection).indexes()).map((i) => ({
          key: i.key as Index['key'],
          unique: i.unique === true || i.name === '_id_',
        })),
      );
    const uncovered: string[] = [];
    for (const shape of sent) {
      const verdict = judge(shape, indexes.get(shape.collection) ?? []);
      const allowed = ALLOWED.some((a) => a.applies(shape));
      if (!allowed && (!verdict.filterCovered || !verdict.sortCovered))
        uncovered.push(`${JSON.stringify(shape)} → ${JSON.stringify(verdict)}`);
    }
    expect(uncovered).toEqual([]);
  });
});

describe('the coverage judge itself', () => {
  const indexes: Index[] = [
    { key: { _id: 1 }, unique: true },
    { key: { status: 1, createdAt: 1, _id: 1 } },
    { key: { createdAt: 1, _id: 1 } },
  ];
  const shape = (filter: Record<string, unknown>, sort?: Record<string, number>): QueryShape => ({
    collection: 'c',
    command: 'find',
    filter,
    ...(sort ? { sort } : {}),
  });

  it('accepts what an index serves', () => {
    expect(judge(shape({ status: 'Open' }, { createdAt: -1, _id: -1 }), indexes)).toEqual({ filterCovered: true, sortCovered: true });
    expect(judge(shape({}, { createdAt: -1, _id: -1 }), indexes)).toEqual({ filterCovered: true, sortCovered: true });
    expect(judge(shape({ _id: { $in: [1, 2] }, $or: [{ status: 'Open' }, { mark: 'x' }] }), indexes).filterCovered).toBe(true);
    expect(judge(shape({ _id: 7 }, { createdAt: -1 }), indexes)).toEqual({ filterCovered: true, sortCovered: true });
  });

  it('refuses an unindexed filter, a sort against the index, and a sort after a range', () => {
    expect(judge(shape({ completedAt: { $lt: 5 } }), indexes).filterCovered).toBe(false);
    // The status index would be used, but every Done story scanned for its completion time.
    expect(judge(shape({ status: 'Done', completedAt: { $lt: 5 } }), indexes).filterCovered).toBe(false);
    expect(judge(shape({ status: 'Done' }, { createdAt: -1, _id: 1 }), indexes).sortCovered).toBe(false);
    expect(judge(shape({}, { completedAt: 1 }), indexes).filterCovered).toBe(false);
    expect(judge(shape({ status: { $in: ['Open', 'Done'] } }, { createdAt: 1 }), indexes).sortCovered).toBe(false);
    expect(judge(shape({ $or: [{ status: 'Open' }, { title: 'x' }] }), indexes).filterCovered).toBe(false);
  });
});
