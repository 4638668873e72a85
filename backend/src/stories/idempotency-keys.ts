import type { Types } from 'mongoose';
import { IDEMPOTENCY_WINDOW_SEC } from '@storyflow/contracts';
import type { DbGate } from '../db/db-gate.js';
import { findProjected } from '../db/projected-find.js';
import { IdempotencyKeyReusedError } from '../shared/errors.js';
import type { PurgedKey, PurgedKeys } from './purged-keys.js';
import type { StoryDoc, StoryModels } from './story.model.js';

/** What a key names: its story, stored; or, the story having been purged by retention since, that it was. */
export type KeyedStory = { stored: StoryDoc } | { purged: PurgedKey };

/** The facts a replay decides on, whichever way the story is known. */
const keyFacts = (k: KeyedStory): { id: string; requestHash: string | undefined; createdAt: Date } =>
  'stored' in k
    ? { id: k.stored._id.toHexString(), requestHash: k.stored.requestHash ?? undefined, createdAt: k.stored.createdAt }
    : k.purged;

/**
 * The stories' Idempotency-Keys (unique index, see story.model.ts): the story a key names, a key past its window freed, and the
 * keys of purged stories kept for the rest of it, so a retry does not create the story again. A delete frees its key.
 */
export class IdempotencyKeys {
  constructor(
    private readonly models: StoryModels,
    private readonly db: DbGate,
    private readonly purged: PurgedKeys,
  ) {}

  ensureIndexes(): Promise<void> {
    return this.purged.ensureIndexes();
  }

  /**
   * The stories (stored, or purged since) an earlier attempt of this request made under these keys, by key. A key past its window
   * is freed for this request; one another request took within it throws IdempotencyKeyReusedError.
   */
  async earlierAttempts(keys: string[], requestHash: string, now: number): Promise<Map<string, KeyedStory>> {
    const found = await this.storiesOf(keys);
    const windowStart = new Date(now - IDEMPOTENCY_WINDOW_SEC * 1000);
    const live = (story: KeyedStory) => keyFacts(story).createdAt >= windowStart;
    if ([...found.values()].some((story) => live(story) && keyFacts(story).requestHash !== requestHash))
      throw new IdempotencyKeyReusedError();
    const earlier = new Map<string, KeyedStory>();
    for (const [key, story] of found) {
      if (live(story)) earlier.set(key, story);
      else await this.release(key, windowStart);
    }
    return earlier;
  }

  /** The stories stored (or purged) with any of these keys, by key. */
  private async storiesOf(keys: string[]): Promise<Map<string, KeyedStory>> {
    const out = new Map<string, KeyedStory>();
    const stored = await this.db.run((maxTimeMS) =>
      this.models.Story.find({ idempotencyKey: { $in: keys } })
        .maxTimeMS(maxTimeMS)
        .lean<StoryDoc[]>()
        .exec(),
    );
    for (const doc of stored) out.set(doc.idempotencyKey!, { stored: doc });
    const missing = keys.filter((k) => !out.has(k));
    if (missing.length) for (const p of await this.purged.find(missing)) out.set(p.key, { purged: p });
    return out;
  }

  /** Keeps the keys of these Done stories before retention deletes them, so a key always names its story or its purged record. */
  async keepPurged(ids: Types.ObjectId[]): Promise<void> {
    if (!ids.length) return;
    const keyed = await this.db.run((maxTimeMS) =>
      findProjected<Pick<StoryDoc, '_id' | 'idempotencyKey' | 'requestHash' | 'createdAt'>>(
        this.models.Story.collection,
        {
          filter: { _id: { $in: ids }, idempotencyKey: { $exists: true } },
          projection: { idempotencyKey: 1, requestHash: 1, createdAt: 1 },
        },
        maxTimeMS,
      ),
    );
    if (keyed.length)
      await this.purged.keep(
        keyed.map((d) => ({ key: d.idempotencyKey!, id: d._id.toHexString(), requestHash: d.requestHash!, createdAt: d.createdAt })),
      );
  }

  /** Frees the key if its story was created before `createdBefore` (its window is over); false if it was not. */
  async release(key: string, createdBefore: Date): Promise<boolean> {
    const result = await this.db.run((maxTimeMS) =>
      this.models.Story.updateOne(
        { idempotencyKey: key, createdAt: { $lt: createdBefore } },
        { $unset: { idempotencyKey: '', requestHash: '' } },
        { maxTimeMS },
      ).exec(),
    );
    const purged = await this.purged.release(key, createdBefore);
    return result.modifiedCount === 1 || purged;
  }
}
