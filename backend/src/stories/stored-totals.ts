import type { StoryStatus } from '@storyflow/contracts';
import type { StoredTotals } from '../shared/stats-second.js';
import type { DbGate } from '../db/db-gate.js';
import type { SeedTotals } from '../stats/counter-cache.js';
import { COUNTERS_ID, type StoryModels } from './story.model.js';

/** The stored truth behind the counters: counts by status and the cumulative counters document. */
export class StoredTotalsReader {
  constructor(
    private readonly models: StoryModels,
    private readonly db: DbGate,
  ) {}

  /** The cumulative figures as the database holds them, cheaply: the cluster leader reads them each second. */
  async currentTotals(): Promise<StoredTotals> {
    // Only the Open ones are counted (admission bounds them): counting every Done story each second would grow with the collection.
    const [open, stored, counters] = await Promise.all([this.count('Open'), this.storedCount(), this.countersDoc()]);
    const done = Math.max(0, stored - open);
    return { open, completed: done + (counters?.removedDone ?? 0), storedDone: done };
  }

  /** Every stored story, from the collection's own count (no scan). */
  private storedCount(): Promise<number> {
    return this.db.run((maxTimeMS) => this.models.Story.estimatedDocumentCount().maxTimeMS(maxTimeMS).exec());
  }

  /** Marks when counting began, the first time this database is used; returns it. */
  async countingSince(now: Date): Promise<number> {
    const { Counters } = this.models;
    await this.db.run((maxTimeMS) =>
      Counters.updateOne({ _id: COUNTERS_ID }, { $setOnInsert: { since: now } }, { upsert: true, maxTimeMS }).exec(),
    );
    const doc = await this.countersDoc();
    // A database from before this field: counting began no later than now.
    if (!doc?.since)
      await this.db.run((maxTimeMS) => Counters.updateOne({ _id: COUNTERS_ID }, { $set: { since: now } }, { maxTimeMS }).exec());
    return new Date(doc?.since ?? now).getTime();
  }

  /** What the counter cache is seeded from at start: sums, never the stored stories themselves. */
  async totals(): Promise<SeedTotals> {
    const [open, done, counters] = await Promise.all([this.count('Open'), this.doneTotals(), this.countersDoc()]);
    return {
      since: counters?.since ? new Date(counters.since).getTime() : Date.now(),
      open,
      done: done.stories,
      doneTasks: done.tasks,
      removedOpen: counters?.removedOpen ?? 0,
      removedDone: counters?.removedDone ?? 0,
      purged: counters?.purged ?? 0,
      deleted: counters?.deleted ?? 0,
    };
  }

  private count(status: StoryStatus): Promise<number> {
    return this.db.run((maxTimeMS) => this.models.Story.countDocuments({ status }).maxTimeMS(maxTimeMS).exec());
  }

  private countersDoc() {
    return this.db.run((maxTimeMS) => this.models.Counters.findById(COUNTERS_ID).maxTimeMS(maxTimeMS).lean().exec());
  }

  /** The stored Done stories and their tasks, summed by the database (however many it holds). */
  private async doneTotals(): Promise<{ stories: number; tasks: number }> {
    const [sum] = await this.db.run((maxTimeMS) =>
      this.models.Story.collection
        .aggregate<{ stories: number; tasks: number }>(
          [{ $match: { status: 'Done' } }, { $group: { _id: null, stories: { $sum: 1 }, tasks: { $sum: '$taskCount' } } }],
          { maxTimeMS },
        )
        .toArray(),
    );
    return { stories: sum?.stories ?? 0, tasks: sum?.tasks ?? 0 };
  }
}
