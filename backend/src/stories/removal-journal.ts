import { Types } from 'mongoose';
import type { StoryStatus } from '@storyflow/contracts';
import type { DbGate } from '../db/db-gate.js';
import { findProjected } from '../db/projected-find.js';
import { COUNTERS_ID, type RemovalIntent, type StoryModels } from './story.model.js';
import type { StoryRef } from './story.repository.js';

export interface RemovedCounts {
  open: number;
  done: number;
  /** Tasks of the removed Done stories (the retention bound counts stored Done tasks). */
  doneTasks: number;
}

export interface SettledRemoval extends RemovedCounts {
  goneOpenIds: string[];
  reason: 'delete' | 'purge';
}

/** A journaled removal older than this is a leftover, whoever wrote it (not a heartbeat: a writer cut off from Redis still deletes). */
export const ABANDONED_REMOVAL_MS = 60_000;

/** Which journaled removals to finish (their writer is gone); may ask others (is that instance alive?). */
export type IsAbandoned = (intent: Pick<RemovalIntent, 'at' | 'writer'>) => boolean | Promise<boolean>;

const asId = (id: string) => new Types.ObjectId(id);
const doneTasksOf = (stories: StoryRef[]) => stories.reduce((n, s) => n + (s.status === 'Done' ? s.taskCount : 0), 0);

/**
 * Removes stories into the cumulative counters: the intent journaled first, then the status-filtered delete, then the increment
 * by what was deleted, clearing the intent in the same write. A crash in between is repaired by `resumePending`.
 */
export class RemovalJournal {
  /** Removals of ours whose outcome is unknown (the database stopped answering mid-way), by journal key. */
  private readonly unsettled = new Map<string, { stories: StoryRef[]; reason: 'delete' | 'purge' }>();

  constructor(
    private readonly models: StoryModels,
    private readonly db: DbGate,
    /** This instance, named in each intent it writes. */
    private readonly writer = 'local',
    /** Before a purge deletes Done stories (their Idempotency-Keys are kept: see IdempotencyKeys.keepPurged). */
    private readonly beforePurge: (doneIds: Types.ObjectId[]) => Promise<void> = async () => {},
  ) {}

  get unsettledCount(): number {
    return this.unsettled.size;
  }

  async remove(stories: StoryRef[], reason: 'delete' | 'purge'): Promise<RemovedCounts> {
    if (!stories.length) return { open: 0, done: 0, doneTasks: 0 };
    const intent: RemovalIntent = {
      openIds: stories.filter((s) => s.status === 'Open').map((s) => asId(s.id)),
      doneIds: stories.filter((s) => s.status === 'Done').map((s) => asId(s.id)),
      reason,
      at: Date.now(),
      writer: this.writer,
    };
    const key = new Types.ObjectId().toHexString();
    const { Counters, Story } = this.models;
    const deleteWith = async (ids: Types.ObjectId[], status: StoryStatus) =>
      ids.length
        ? (
            await this.db.run((maxTimeMS) =>
              Story.deleteMany({ _id: { $in: ids }, status })
                .maxTimeMS(maxTimeMS)
                .exec(),
            )
          ).deletedCount
        : 0;
    // Before the intent: a removal resumed after a crash deletes nothing more, so the keys are kept by then.
    if (reason === 'purge') await this.beforePurge(intent.doneIds);
    try {
      await this.db.run((maxTimeMS) =>
        Counters.updateOne({ _id: COUNTERS_ID }, { $set: { [`removals.${key}`]: intent } }, { upsert: true, maxTimeMS }).exec(),
      );
      const open = await deleteWith(intent.openIds, 'Open');
      const done = await deleteWith(intent.doneIds, 'Done');
      await this.apply(key, { open, done }, reason);
      let removed = stories;
      if (open + done < stories.length) {
        // Rare (a status changed meanwhile): count the tasks of those actually gone.
        const left = await this.existing(stories.map((s) => asId(s.id)));
        removed = stories.filter((s) => !left.has(s.id));
      }
      return { open, done, doneTasks: doneTasksOf(removed) };
    } catch (error) {
      // Any step may have landed before the error: `settle` finds out once the database answers.
      this.unsettled.set(key, { stories, reason });
      throw error;
    }
  }

  /** Settles our removals of unknown outcome, as a restart would; returns what was removed (with the ids of Open stories gone). */
  async settle(): Promise<SettledRemoval[]> {
    const settled: SettledRemoval[] = [];
    for (const [key, { stories, reason }] of [...this.unsettled]) {
      const left = await this.existing(stories.map((s) => asId(s.id)));
      const gone = stories.filter((s) => !left.has(s.id));
      const counts = { open: gone.filter((s) => s.status === 'Open').length, done: gone.filter((s) => s.status === 'Done').length };
      // Not applied: the intent never landed (nothing was deleted by it), or another instance finished it.
      const applied = await this.apply(key, counts, reason);
      this.unsettled.delete(key);
      settled.push({
        ...(applied ? counts : { open: 0, done: 0 }),
        doneTasks: applied ? doneTasksOf(gone) : 0,
        goneOpenIds: gone.filter((s) => s.status === 'Open').map((s) => s.id),
        reason,
      });
    }
    return settled;
  }

  /**
   * Finishes removals interrupted by a crash: what is gone is counted, what is still there stays.
   * @param abandoned which of them (default: all); ours of unknown outcome are finished anyway.
   */
  async resumePending(abandoned: IsAbandoned = () => true): Promise<{ open: number; done: number } | null> {
    const { Counters } = this.models;
    const counters = await this.db.run((maxTimeMS) => Counters.findById(COUNTERS_ID).maxTimeMS(maxTimeMS).lean().exec());
    const removals: [string, RemovalIntent][] = [];
    for (const [key, intent] of Object.entries((counters?.removals ?? {}) as Record<string, RemovalIntent>))
      if (this.unsettled.has(key) || (await abandoned(intent))) removals.push([key, intent]);
    if (!removals.length) return null;
    const total = { open: 0, done: 0 };
    for (const [key, intent] of removals) {
      const left = await this.existing([...intent.openIds, ...intent.doneIds]);
      const gone = (list: Types.ObjectId[]) => list.filter((id) => !left.has(id.toString())).length;
      const counts = { open: gone(intent.openIds), done: gone(intent.doneIds) };
      if (!(await this.apply(key, counts, intent.reason))) continue; // another instance finished it meanwhile
      total.open += counts.open;
      total.done += counts.done;
    }
    return total;
  }

  private async existing(ids: Types.ObjectId[]): Promise<Set<string>> {
    const docs = await this.db.run((maxTimeMS) =>
      findProjected<{ _id: Types.ObjectId }>(
        this.models.Story.collection,
        { filter: { _id: { $in: ids } }, projection: { _id: 1 } },
        maxTimeMS,
      ),
    );
    return new Set(docs.map((d) => d._id.toHexString()));
  }

  /** Counts a removal and clears its intent in one write, only while the intent is there, so only the first finisher counts it. */
  private async apply(key: string, counts: { open: number; done: number }, reason: 'delete' | 'purge'): Promise<boolean> {
    const n = counts.open + counts.done;
    const result = await this.db.run((maxTimeMS) =>
      this.models.Counters.updateOne(
        { _id: COUNTERS_ID, [`removals.${key}`]: { $exists: true } },
        {
          $inc: { removedOpen: counts.open, removedDone: counts.done, [reason === 'purge' ? 'purged' : 'deleted']: n },
          $unset: { [`removals.${key}`]: '' },
        },
        { maxTimeMS },
      ).exec(),
    );
    return result.matchedCount === 1;
  }
}
