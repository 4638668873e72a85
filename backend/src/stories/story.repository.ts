import { mongo, Types } from 'mongoose';
import { DatabaseUnavailableError } from '../http/errors.js';
import { GroupCommit } from '../shared/group-commit.js';
import type { StoryStatus } from '@storyflow/contracts';
import { COUNTERS_ID, type RemovalIntent, type StoryDoc, type StoryModels } from './story.model.js';

export interface NewStory {
  title: string | null;
  externalRef: number | null;
  estimates: number[];
  createdAt: Date;
}

/** Task completions of one story to commit: the task numbers and the resulting committed count. */
export interface ProgressCommit {
  id: string;
  taskNumbers: number[];
  doneCount: number;
  /** Last task: the story turns Done (only if it is still Open: exactly once). */
  finished: boolean;
}

export interface RemovedCounts {
  open: number;
  done: number;
}

export interface StoredTotals {
  open: number;
  done: number;
  removedOpen: number;
  removedDone: number;
  purged: number;
  deleted: number;
}

const asId = (id: string) => new Types.ObjectId(id);

/**
 * Every database access for stories. Writes per story are bounded, never per task: one insert (batched
 * with concurrent creates), progress at most once per progress interval (batched), one final update.
 */
export class StoryRepository {
  // Concurrent creates share one insertMany: a burst costs a round trip (and, on the in-memory
  // server, a collection scan) per batch rather than per story.
  private readonly inserts: GroupCommit<StoryDoc>;

  constructor(private readonly models: StoryModels) {
    this.inserts = new GroupCommit((docs) => this.insertBatch(docs), 100);
  }

  async ensureIndexes(): Promise<void> {
    await this.models.Story.createIndexes();
  }

  /** Resolves once the story is stored. */
  async insert(story: NewStory): Promise<StoryDoc> {
    const tasks = story.estimates.map((estimate, n) => ({ n, estimate, status: 'Open' as const, doneAt: null }));
    const doc = {
      _id: new Types.ObjectId(),
      title: story.title,
      externalRef: story.externalRef,
      status: 'Open' as const,
      tasks,
      taskCount: tasks.length,
      doneCount: 0,
      estimateMs: story.estimates.reduce((a, b) => a + b, 0),
      criticalPathMs: Math.max(...story.estimates),
      createdAt: story.createdAt,
      completedAt: null,
    };
    await this.inserts.submit(doc);
    return doc;
  }

  /** Journaled before anyone answers 201: an accepted story survives a crash. */
  private async insertBatch(docs: StoryDoc[]): Promise<(unknown | null)[]> {
    try {
      await this.models.Story.collection.insertMany(docs, { ordered: false, writeConcern: { w: 1, journal: true } });
      return docs.map(() => null);
    } catch (error) {
      // Unordered: when the server reports per-document errors that account for every document not
      // inserted, the others are stored. Anything else (network, write concern) fails the whole batch:
      // a story is only accepted when we know it is stored.
      if (!(error instanceof mongo.MongoBulkWriteError)) throw error;
      const writeErrors = [error.writeErrors].flat();
      // No per-document errors: the driver wrapped a connection or server-selection failure.
      if (!writeErrors.length) throw new DatabaseUnavailableError(error);
      if (error.result.getWriteConcernError() || error.insertedCount + writeErrors.length !== docs.length) throw error;
      const failed = new Map<number, unknown>();
      for (const e of writeErrors) failed.set(e.index, new Error(e.errmsg ?? 'insert failed'));
      return docs.map((_, i) => failed.get(i) ?? null);
    }
  }

  findById(id: string): Promise<StoryDoc | null> {
    return this.models.Story.findById(id).lean<StoryDoc>().exec();
  }

  async list(status: StoryStatus | undefined, page: number, limit: number): Promise<{ items: StoryDoc[]; total: number }> {
    const filter = status ? { status } : {};
    const [items, total] = await Promise.all([
      this.models.Story.find(filter)
        .select({ tasks: 0 }) // a listing never shows tasks (the in-memory server ignores projections)
        .sort({ createdAt: -1, _id: -1 })
        .skip((page - 1) * limit)
        .limit(limit)
        .lean<StoryDoc[]>()
        .exec(),
      status ? this.models.Story.countDocuments(filter).exec() : this.models.Story.estimatedDocumentCount().exec(),
    ]);
    return { items, total };
  }

  /** Open stories in arrival order, for recovery after a restart. */
  findOpen(): Promise<StoryDoc[]> {
    return this.models.Story.find({ status: 'Open' }).sort({ createdAt: 1, _id: 1 }).lean<StoryDoc[]>().exec();
  }

  /** Ids of Done stories, oldest completion first; only those completed before `completedBefore` if given. */
  async findDoneIds(limit: number, completedBefore?: Date): Promise<string[]> {
    const filter = completedBefore ? { status: 'Done' as const, completedAt: { $lt: completedBefore } } : { status: 'Done' as const };
    const docs = await this.models.Story.find(filter).select({ _id: 1 }).sort({ completedAt: 1 }).limit(limit).lean<StoryDoc[]>().exec();
    return docs.map((d) => d._id.toHexString());
  }

  /**
   * Group commit: one bulkWrite for the progress of stories still running, and one conditional update
   * per story that finished. Returns the stories this call turned Done: the filter (`status: Open`)
   * makes that happen once per story, whoever else (a retry, another replica) tries too.
   */
  async commitProgress(commits: ProgressCommit[], now: Date): Promise<{ completed: string[] }> {
    const update = (c: ProgressCommit) => {
      const set: Record<string, unknown> = {
        doneCount: c.doneCount,
        'tasks.$[t].status': 'Done',
        'tasks.$[t].doneAt': now,
      };
      if (c.finished) Object.assign(set, { status: 'Done', completedAt: now });
      return {
        filter: { _id: asId(c.id), status: 'Open' },
        update: { $set: set },
        arrayFilters: [{ 't.n': { $in: c.taskNumbers } }],
      };
    };
    const progress = commits.filter((c) => !c.finished);
    const finishing = commits.filter((c) => c.finished);
    if (progress.length) {
      await this.models.Story.collection.bulkWrite(
        progress.map((c) => ({ updateOne: update(c) })),
        { ordered: false },
      );
    }
    const results = await Promise.all(
      finishing.map(async (c) => {
        const { filter, update: u, arrayFilters } = update(c);
        const result = await this.models.Story.collection.updateOne(filter, u, { arrayFilters });
        return result.modifiedCount === 1 ? c.id : null;
      }),
    );
    return { completed: results.filter((id): id is string => id !== null) };
  }

  /** Status of each id that still exists. */
  async statuses(ids: string[]): Promise<Map<string, StoryStatus>> {
    const docs = await this.models.Story.find({ _id: { $in: ids.map(asId) } })
      .lean<StoryDoc[]>()
      .exec();
    return new Map(docs.map((d) => [d._id.toHexString(), d.status]));
  }

  /**
   * Deletes stories and moves them into the cumulative counters: intent first, then the delete (each
   * status filtered, so a story whose status changed meanwhile stays), then the increment by what was
   * actually deleted, which clears the intent. A crash in between is repaired by `resumePendingRemovals`.
   */
  async remove(stories: { id: string; status: StoryStatus }[], reason: 'delete' | 'purge'): Promise<RemovedCounts> {
    if (!stories.length) return { open: 0, done: 0 };
    const intent: RemovalIntent = {
      openIds: stories.filter((s) => s.status === 'Open').map((s) => asId(s.id)),
      doneIds: stories.filter((s) => s.status === 'Done').map((s) => asId(s.id)),
      reason,
    };
    const key = new Types.ObjectId().toHexString();
    await this.models.Counters.updateOne({ _id: COUNTERS_ID }, { $set: { [`removals.${key}`]: intent } }, { upsert: true }).exec();
    const deleteWith = async (ids: Types.ObjectId[], status: StoryStatus) =>
      ids.length ? (await this.models.Story.deleteMany({ _id: { $in: ids }, status }).exec()).deletedCount : 0;
    const counts = { open: await deleteWith(intent.openIds, 'Open'), done: await deleteWith(intent.doneIds, 'Done') };
    await this.applyRemoval(key, counts, reason);
    return counts;
  }

  private async applyRemoval(key: string, counts: RemovedCounts, reason: 'delete' | 'purge'): Promise<void> {
    const n = counts.open + counts.done;
    await this.models.Counters.updateOne(
      { _id: COUNTERS_ID },
      {
        $inc: { removedOpen: counts.open, removedDone: counts.done, [reason === 'purge' ? 'purged' : 'deleted']: n },
        $unset: { [`removals.${key}`]: '' },
      },
      { upsert: true },
    ).exec();
  }

  /** Finishes removals interrupted by a crash: what is gone is counted, what is still there stays. */
  async resumePendingRemovals(): Promise<RemovedCounts | null> {
    const counters = await this.models.Counters.findById(COUNTERS_ID).lean().exec();
    const removals = Object.entries((counters?.removals ?? {}) as Record<string, RemovalIntent>);
    if (!removals.length) return null;
    const total = { open: 0, done: 0 };
    for (const [key, intent] of removals) {
      const remaining = await this.statuses([...intent.openIds, ...intent.doneIds].map((id) => id.toString()));
      const gone = (ids: Types.ObjectId[]) => ids.filter((id) => !remaining.has(id.toString())).length;
      const counts = { open: gone(intent.openIds), done: gone(intent.doneIds) };
      await this.applyRemoval(key, counts, intent.reason);
      total.open += counts.open;
      total.done += counts.done;
    }
    return total;
  }

  async totals(): Promise<StoredTotals> {
    const [open, done, counters] = await Promise.all([
      this.models.Story.countDocuments({ status: 'Open' }).exec(),
      this.models.Story.countDocuments({ status: 'Done' }).exec(),
      this.models.Counters.findById(COUNTERS_ID).lean().exec(),
    ]);
    return {
      open,
      done,
      removedOpen: counters?.removedOpen ?? 0,
      removedDone: counters?.removedDone ?? 0,
      purged: counters?.purged ?? 0,
      deleted: counters?.deleted ?? 0,
    };
  }
}
