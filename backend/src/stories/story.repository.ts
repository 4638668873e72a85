import { Types, type AnyBulkWriteOperation } from 'mongoose';
import type { StoryStatus } from '@storyflow/contracts';
import { COUNTERS_ID, type StoryDoc, type StoryModels } from './story.model.js';

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

/** Every database access for stories. O(1) writes per story: one insert, batched progress, one final update. */
export class StoryRepository {
  constructor(private readonly models: StoryModels) {}

  async ensureIndexes(): Promise<void> {
    await this.models.Story.createIndexes();
  }

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
    // Journaled before we answer 201: an accepted story survives a crash.
    await this.models.Story.collection.insertOne(doc, { writeConcern: { w: 1, journal: true } });
    return doc;
  }

  findById(id: string): Promise<StoryDoc | null> {
    return this.models.Story.findById(id).lean<StoryDoc>().exec();
  }

  async list(status: StoryStatus | undefined, page: number, limit: number): Promise<{ items: StoryDoc[]; total: number }> {
    const filter = status ? { status } : {};
    const [items, total] = await Promise.all([
      this.models.Story.find(filter)
        .sort({ createdAt: -1, _id: -1 })
        .skip((page - 1) * limit)
        .limit(limit)
        .lean<StoryDoc[]>()
        .exec(),
      this.models.Story.countDocuments(filter).exec(),
    ]);
    return { items, total };
  }

  /** Open stories in arrival order, for recovery after a restart. */
  findOpen(): Promise<StoryDoc[]> {
    return this.models.Story.find({ status: 'Open' }).sort({ createdAt: 1, _id: 1 }).lean<StoryDoc[]>().exec();
  }

  async findDoneBefore(cutoff: Date, limit: number): Promise<string[]> {
    const docs = await this.models.Story.find({ status: 'Done', completedAt: { $lt: cutoff } })
      .sort({ completedAt: 1 })
      .limit(limit)
      .lean<StoryDoc[]>()
      .exec();
    return docs.map((d) => d._id.toHexString());
  }

  async findDoneIds(limit: number): Promise<string[]> {
    const docs = await this.models.Story.find({ status: 'Done' }).limit(limit).lean<StoryDoc[]>().exec();
    return docs.map((d) => d._id.toHexString());
  }

  /**
   * Group commit: one bulkWrite for progress, one for stories that finished. Returns how many stories
   * turned Done: the conditional filter (`status: Open`) makes that happen once per story.
   */
  async commitProgress(commits: ProgressCommit[], now: Date): Promise<{ completed: string[] }> {
    const op = (c: ProgressCommit): AnyBulkWriteOperation => {
      const set: Record<string, unknown> = {
        doneCount: c.doneCount,
        'tasks.$[t].status': 'Done',
        'tasks.$[t].doneAt': now,
      };
      if (c.finished) Object.assign(set, { status: 'Done', completedAt: now });
      return {
        updateOne: {
          filter: { _id: asId(c.id), status: 'Open' },
          update: { $set: set },
          arrayFilters: [{ 't.n': { $in: c.taskNumbers } }],
        },
      };
    };
    const progress = commits.filter((c) => !c.finished);
    const finishing = commits.filter((c) => c.finished);
    if (progress.length) await this.models.Story.collection.bulkWrite(progress.map(op) as never, { ordered: false });
    if (!finishing.length) return { completed: [] };
    await this.models.Story.collection.bulkWrite(finishing.map(op) as never, { ordered: false });
    // Callers hold the lock and track only stories that are Open in the database, so every finishing
    // update matches. A commit retried after an error that had in fact applied matches nothing, and
    // is counted here once: the failed attempt was not.
    return { completed: finishing.map((c) => c.id) };
  }

  /** Status of each id that still exists. */
  async statuses(ids: string[]): Promise<Map<string, StoryStatus>> {
    const docs = await this.models.Story.find({ _id: { $in: ids.map(asId) } })
      .lean<StoryDoc[]>()
      .exec();
    return new Map(docs.map((d) => [d._id.toHexString(), d.status]));
  }

  /**
   * Deletes stories and moves them into the cumulative counters: intent first, then the delete, then
   * the increment that clears the intent (repaired at start by `resumePendingRemoval` after a crash).
   */
  async remove(stories: { id: string; status: StoryStatus }[], reason: 'delete' | 'purge'): Promise<RemovedCounts> {
    if (!stories.length) return { open: 0, done: 0 };
    const openIds = stories.filter((s) => s.status === 'Open').map((s) => asId(s.id));
    const doneIds = stories.filter((s) => s.status === 'Done').map((s) => asId(s.id));
    await this.models.Counters.updateOne(
      { _id: COUNTERS_ID },
      { $set: { pending: { openIds, doneIds, reason } } },
      { upsert: true },
    ).exec();
    await this.models.Story.deleteMany({ _id: { $in: [...openIds, ...doneIds] } }).exec();
    const counts = { open: openIds.length, done: doneIds.length };
    await this.applyRemoval(counts, reason);
    return counts;
  }

  private async applyRemoval(counts: RemovedCounts, reason: 'delete' | 'purge'): Promise<void> {
    const n = counts.open + counts.done;
    await this.models.Counters.updateOne(
      { _id: COUNTERS_ID },
      {
        $inc: { removedOpen: counts.open, removedDone: counts.done, [reason === 'purge' ? 'purged' : 'deleted']: n },
        $set: { pending: null },
      },
      { upsert: true },
    ).exec();
  }

  /** Finishes a removal interrupted by a crash: what is gone is counted, what is still there stays. */
  async resumePendingRemoval(): Promise<RemovedCounts | null> {
    const counters = await this.models.Counters.findById(COUNTERS_ID).lean().exec();
    const pending = counters?.pending;
    if (!pending) return null;
    const all = [...pending.openIds, ...pending.doneIds].map((id) => id.toHexString());
    const remaining = await this.statuses(all);
    const gone = (ids: Types.ObjectId[]) => ids.filter((id) => !remaining.has(id.toHexString())).length;
    const counts = { open: gone(pending.openIds), done: gone(pending.doneIds) };
    await this.applyRemoval(counts, pending.reason === 'purge' ? 'purge' : 'delete');
    return counts;
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
