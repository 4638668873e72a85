import type { DbGate } from '../db/db-gate.js';
import type { SeedTotals } from '../stats/counter-cache.js';
import { COUNTERS_ID, type StoryModels } from './story.model.js';

/** The stored truth behind the counters: counts by status and the cumulative counters document. */
export class StoredTotalsReader {
  constructor(
    private readonly models: StoryModels,
    private readonly db: DbGate,
  ) {}

  /**
   * The cumulative figures as the database holds them, cheaply (counts by status and the counters
   * document): in cluster mode the leader reads them each second, so the cluster's totals are exact
   * whatever instance wrote what, or died before saying so.
   */
  async currentTotals(): Promise<{ open: number; completed: number; storedDone: number }> {
    const { Story, Counters } = this.models;
    const [open, done, counters] = await Promise.all([
      this.db.run(() => Story.countDocuments({ status: 'Open' }).exec()),
      this.db.run(() => Story.countDocuments({ status: 'Done' }).exec()),
      this.db.run(() => Counters.findById(COUNTERS_ID).select({ removedDone: 1 }).lean().exec()),
    ]);
    return { open, completed: done + (counters?.removedDone ?? 0), storedDone: done };
  }

  /** Marks when counting began, the first time this database is used; returns it. */
  async countingSince(now: Date): Promise<number> {
    const { Counters } = this.models;
    await this.db.run(() => Counters.updateOne({ _id: COUNTERS_ID }, { $setOnInsert: { since: now } }, { upsert: true }).exec());
    const doc = await this.db.run(() => Counters.findById(COUNTERS_ID).lean().exec());
    // A database from before this field: counting began no later than now.
    if (!doc?.since) await this.db.run(() => Counters.updateOne({ _id: COUNTERS_ID }, { $set: { since: now } }).exec());
    return new Date(doc?.since ?? now).getTime();
  }

  /** What the counter cache is seeded from at start. */
  async totals(): Promise<SeedTotals> {
    const { Story, Counters } = this.models;
    const [open, done, counters] = await Promise.all([
      this.db.run(() => Story.countDocuments({ status: 'Open' }).exec()),
      this.db.run(() => Story.find({ status: 'Done' }).select({ taskCount: 1 }).lean<{ taskCount: number }[]>().exec()),
      this.db.run(() => Counters.findById(COUNTERS_ID).lean().exec()),
    ]);
    return {
      since: counters?.since ? new Date(counters.since).getTime() : Date.now(),
      open,
      done: done.length,
      doneTasks: done.reduce((n, d) => n + d.taskCount, 0),
      removedOpen: counters?.removedOpen ?? 0,
      removedDone: counters?.removedDone ?? 0,
      purged: counters?.purged ?? 0,
      deleted: counters?.deleted ?? 0,
    };
  }
}
