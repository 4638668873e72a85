import { Types } from 'mongoose';
import { isStoryId, type CreateStoryRequest, type StoryStatus } from '@storyflow/contracts';
import { DuplicateKeyError, isDatabaseUnavailable } from '../db/db-errors.js';
import { insertEach } from '../db/insert-each.js';
import type { DbGate } from '../db/db-gate.js';
import { dropSupersededIndexes } from '../db/indexes.js';
import { findProjected } from '../db/projected-find.js';
import type { StorageProfile } from '../db/storage-profile.js';
import type { FinishedStory, ProgressWrite } from '../processing/ports.js';
import { randomInt, type Random } from '../shared/clock.js';
import { ConcurrencyLimit } from '../shared/concurrency-limit.js';
import { GroupCommit } from '../shared/group-commit.js';
import { IdempotencyKeyTaken } from './story-errors.js';
import { IDEMPOTENCY_INDEX, type StoryDoc, type StoryModels } from './story.model.js';

export interface NewStory {
  title: string | null;
  externalRef: number | null;
  estimates: number[];
  createdAt: Date;
  /** The client's Idempotency-Key and a digest of its request, if it sent one. */
  idempotency?: { key: string; requestHash: string };
}

export interface StoryRef {
  id: string;
  status: StoryStatus;
  taskCount: number;
}

const asId = (id: string) => new Types.ObjectId(id);
/** `{ [field]: Date }` for a known moment, nothing for an unknown one (a stored value is never cleared). */
const moment = (field: string, at: number | null) => (at === null ? {} : { [field]: new Date(at) });

/** Indexes of earlier versions that the model's own cover (see story.model.ts). */
const SUPERSEDED_INDEXES = ['status_1_createdAt_1', 'createdAt_1'];

/** Lower-case words of a title, for the search index (letters and digits of any script). */
export function titleWords(title: string | null): string[] | undefined {
  const words = (title ?? '').toLowerCase().match(/[\p{L}\p{N}]+/gu);
  return words ? [...new Set(words)] : undefined;
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A search: a story id matches that story, a number also the legacy job id, text titles with words starting with each word. */
export function searchFilter(q: string | undefined): Record<string, unknown> {
  if (!q) return {};
  if (isStoryId(q)) return { _id: asId(q) };
  const words = titleWords(q) ?? [];
  const byWords = words.length ? { $and: words.map((w) => ({ titleWords: { $regex: `^${escapeRegex(w)}` } })) } : { _id: null };
  return /^\d{1,15}$/.test(q) ? { $or: [byWords, { externalRef: Number(q) }] } : byWords;
}

/** What a create request asks to store: its estimates (drawn now for a count and a range), title and key. */
export function newStoryOf(
  request: CreateStoryRequest,
  random: Random,
  externalRef: number | null = null,
  idempotency?: { key: string; requestHash: string },
): Omit<NewStory, 'createdAt'> {
  const estimates =
    'tasks' in request
      ? request.tasks.map((task) => task.estimate)
      : Array.from({ length: request.taskCount }, () => randomInt(random, request.estimateMin, request.estimateMax));
  return { title: request.title || null, externalRef, estimates, ...(idempotency ? { idempotency } : {}) };
}

/** The document a new story will be stored as (its id is known before the insert). */
export function newStoryDocument(story: NewStory): StoryDoc {
  // No `doneAt` until done: a task stores only what it has (a smaller document on any server).
  const tasks = story.estimates.map((estimate, n) => ({ n, estimate, status: 'Open' as const }));
  const words = titleWords(story.title);
  return {
    _id: new Types.ObjectId(),
    title: story.title,
    ...(words ? { titleWords: words } : {}),
    externalRef: story.externalRef,
    status: 'Open',
    tasks,
    taskCount: tasks.length,
    doneCount: 0,
    estimateMs: story.estimates.reduce((a, b) => a + b, 0),
    criticalPathMs: Math.max(...story.estimates),
    createdAt: story.createdAt,
    completedAt: null,
    completionAttempt: null,
    ...(story.idempotency ? { idempotencyKey: story.idempotency.key, requestHash: story.idempotency.requestHash } : {}),
  };
}

/** Every database access for stories; writes are bounded per story, never per task (ARCHITECTURE.md, "Backend data flow"). */
export class StoryRepository {
  // Concurrent creates share one insertMany: a round trip per batch, not per story.
  private readonly inserts: GroupCommit<StoryDoc>;
  private readonly listings: ConcurrencyLimit;

  constructor(
    private readonly models: StoryModels,
    private readonly db: DbGate,
    private readonly profile: Pick<StorageProfile, 'listings' | 'completions'>,
  ) {
    this.listings = new ConcurrencyLimit(profile.listings.concurrent, profile.listings.queued, 'listings');
    this.inserts = new GroupCommit((docs) => this.insertBatch(docs), 100, isDatabaseUnavailable);
  }

  async ensureIndexes(): Promise<void> {
    await this.db.run(() => this.models.Story.createIndexes());
    await this.db.run((maxTimeMS) => dropSupersededIndexes(this.models.Story.collection, SUPERSEDED_INDEXES, maxTimeMS));
  }

  /** Resolves once the story is stored (journaled: an accepted story survives a crash). */
  async insert(doc: StoryDoc): Promise<void> {
    await this.inserts.submit(doc);
  }

  /** A batch in one insert of its own: each story's outcome, null when stored; throws DatabaseUnavailableError when none is known. */
  insertMany(docs: StoryDoc[]): Promise<(Error | null)[]> {
    return this.insertBatch(docs);
  }

  private insertBatch(docs: StoryDoc[]): Promise<(Error | null)[]> {
    return this.db.run(async (maxTimeMS) => {
      const outcomes = await insertEach(this.models.Story.collection, docs, maxTimeMS);
      // A request's key taken already (by its own earlier attempt, or another request): see StoryCommands.
      return outcomes.map((e) => (e instanceof DuplicateKeyError && e.index === IDEMPOTENCY_INDEX ? new IdempotencyKeyTaken() : e));
    });
  }

  findById(id: string): Promise<StoryDoc | null> {
    return this.db.run((maxTimeMS) => this.models.Story.findById(id).maxTimeMS(maxTimeMS).lean<StoryDoc>().exec());
  }

  /** A page of stories, newest first, and how many match the search by status (counted unless `known`). */
  list(
    query: { status?: StoryStatus; q?: string },
    page: number,
    limit: number,
    known: { Open: number; Done: number } | null = null,
  ): Promise<{ items: StoryDoc[]; total: number; counts: { Open: number; Done: number } }> {
    return this.listings.run(() => this.listPage(query, page, limit, known));
  }

  private async listPage(
    query: { status?: StoryStatus; q?: string },
    page: number,
    limit: number,
    known: { Open: number; Done: number } | null,
  ) {
    const search = searchFilter(query.q);
    const filter = query.status ? { ...search, status: query.status } : search;
    const { Story } = this.models;
    const count = (status: StoryStatus) =>
      known
        ? Promise.resolve(known[status])
        : this.db.run((maxTimeMS) =>
            Story.countDocuments({ ...search, status })
              .maxTimeMS(maxTimeMS)
              .exec(),
          );
    const [items, open, done] = await Promise.all([
      this.db.run((maxTimeMS) =>
        findProjected<StoryDoc>(
          Story.collection,
          // A listing never shows tasks.
          { filter, projection: { tasks: 0, titleWords: 0 }, sort: { createdAt: -1, _id: -1 }, skip: (page - 1) * limit, limit },
          maxTimeMS,
        ),
      ),
      count('Open'),
      count('Done'),
    ]);
    const total = query.status === 'Open' ? open : query.status === 'Done' ? done : open + done;
    return { items, total, counts: { Open: open, Done: done } };
  }

  /** Open stories in arrival order: all (recovery), or these ids if still Open (claimed). */
  findOpen(ids?: string[]): Promise<StoryDoc[]> {
    const filter = ids ? { _id: { $in: ids.map(asId) }, status: 'Open' as const } : { status: 'Open' as const };
    return this.db.run((maxTimeMS) =>
      this.models.Story.find(filter).sort({ createdAt: 1, _id: 1 }).maxTimeMS(maxTimeMS).lean<StoryDoc[]>().exec(),
    );
  }

  /** Ids of the Open stories (cluster mode: candidates to claim when their owner is gone). */
  async openIds(): Promise<string[]> {
    const docs = await this.db.run((maxTimeMS) =>
      findProjected<{ _id: Types.ObjectId }>(
        this.models.Story.collection,
        { filter: { status: 'Open' }, projection: { _id: 1 } },
        maxTimeMS,
      ),
    );
    return docs.map((d) => d._id.toHexString());
  }

  /** Done stories to remove (completed before `completedBefore` if given); unsorted unless asked (a sort copies the stand-in's data). */
  async findDone(limit: number, which: { completedBefore?: Date; earliestFirst?: boolean } = {}): Promise<StoryRef[]> {
    const { completedBefore, earliestFirst = false } = which;
    const filter = completedBefore ? { status: 'Done', completedAt: { $lt: completedBefore } } : { status: 'Done' };
    const docs = await this.db.run((maxTimeMS) =>
      findProjected<Pick<StoryDoc, '_id' | 'taskCount'>>(
        this.models.Story.collection,
        { filter, projection: { _id: 1, taskCount: 1 }, limit, ...(earliestFirst ? { sort: { completedAt: 1 } } : {}) },
        maxTimeMS,
      ),
    );
    return docs.map((d) => ({ id: d._id.toHexString(), status: 'Done', taskCount: d.taskCount }));
  }

  /** The `limit` oldest stored Done stories: id, size and completion, oldest completion first (retention's list, at start). */
  async doneRefs(limit: number): Promise<{ id: string; taskCount: number; completedAt: number }[]> {
    const docs = await this.db.run((maxTimeMS) =>
      findProjected<{ _id: Types.ObjectId; taskCount: number; completedAt: Date | null }>(
        this.models.Story.collection,
        { filter: { status: 'Done' }, sort: { completedAt: 1 }, limit, projection: { _id: 1, taskCount: 1, completedAt: 1 } },
        maxTimeMS,
      ),
    );
    return docs.map((d) => ({
      id: d._id.toHexString(),
      taskCount: d.taskCount,
      completedAt: d.completedAt ? new Date(d.completedAt).getTime() : 0,
    }));
  }

  /** Progress of stories still running: one bulkWrite, one update per story (its tasks by number). */
  async writeProgress(items: ProgressWrite[], now: Date): Promise<void> {
    if (!items.length) return;
    await this.db.run((maxTimeMS) =>
      this.models.Story.collection.bulkWrite(
        items.map((c) => ({
          updateOne: {
            filter: { _id: asId(c.id), status: 'Open' },
            update: {
              $set: {
                doneCount: c.doneCount,
                'tasks.$[t].status': 'Done',
                'tasks.$[t].doneAt': now,
                ...(c.startedAt !== null ? { startedAt: new Date(c.startedAt) } : {}),
              },
            },
            arrayFilters: [{ 't.n': { $in: c.taskNumbers } }],
          },
        })),
        { ordered: false, maxTimeMS },
      ),
    );
  }

  /**
   * CompletionStore.completeStories (the contract is there): which are ours is read back by the mark only when some did not match.
   * Stored as the profile says: each story with its own moments (`startedAt`, `ranUntil`), or all in one write without them.
   */
  async completeStories(stories: FinishedStory[], mark: string, now: Date): Promise<{ completed: number; ours: (id: string) => boolean }> {
    if (!stories.length) return { completed: 0, ours: () => false };
    const ids = stories.map((story) => story.id);
    const theirIds = { _id: { $in: ids.map(asId) } };
    const stillOpen = { $or: [{ status: 'Open' }, { completionAttempt: mark }] };
    const done = { status: 'Done', completedAt: now, completionAttempt: mark, 'tasks.$[t].status': 'Done', 'tasks.$[t].doneAt': now };
    const arrayFilters = [{ 't.doneAt': null }];
    const { matchedCount } = await this.db.run(async (maxTimeMS): Promise<{ matchedCount: number }> =>
      this.profile.completions === 'shared'
        ? this.models.Story.collection.updateMany({ ...theirIds, ...stillOpen }, { $set: done }, { arrayFilters, maxTimeMS })
        : this.models.Story.collection.bulkWrite(
            stories.map(({ id, startedAt, ranUntil }) => ({
              updateOne: {
                filter: { _id: asId(id), ...stillOpen },
                update: { $set: { ...done, ...moment('startedAt', startedAt), ...moment('ranUntil', ranUntil) } },
                arrayFilters,
              },
            })),
            { ordered: false, maxTimeMS },
          ),
    );
    if (matchedCount === ids.length) return { completed: matchedCount, ours: () => true };
    const marked = await this.db.run((maxTimeMS) =>
      findProjected<Pick<StoryDoc, '_id'>>(
        this.models.Story.collection,
        { filter: { ...theirIds, completionAttempt: mark }, projection: { _id: 1 } },
        maxTimeMS,
      ),
    );
    const ours = new Set(marked.map((doc) => String(doc._id)));
    return { completed: matchedCount, ours: (id) => ours.has(id) };
  }

  /** Status and size of each id that still exists. */
  async refs(ids: string[]): Promise<Map<string, StoryRef>> {
    const docs = await this.db.run((maxTimeMS) =>
      findProjected<Pick<StoryDoc, '_id' | 'status' | 'taskCount'>>(
        this.models.Story.collection,
        { filter: { _id: { $in: ids.map(asId) } }, projection: { _id: 1, status: 1, taskCount: 1 } },
        maxTimeMS,
      ),
    );
    return new Map(docs.map((d) => [d._id.toHexString(), { id: d._id.toHexString(), status: d.status, taskCount: d.taskCount }]));
  }
}
