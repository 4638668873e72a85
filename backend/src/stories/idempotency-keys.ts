import type { DbGate } from '../db/db-gate.js';
import type { StoryDoc, StoryModels } from './story.model.js';

/**
 * The stories' Idempotency-Keys (stored with each story under a unique index, see story.model.ts): the
 * story a key names, and freeing a key whose window has passed for a new request.
 */
export class IdempotencyKeys {
  constructor(
    private readonly models: StoryModels,
    private readonly db: DbGate,
  ) {}

  /** The story stored with this key, if any. */
  storyOf(key: string): Promise<StoryDoc | null> {
    return this.db.run((maxTimeMS) => this.models.Story.findOne({ idempotencyKey: key }).maxTimeMS(maxTimeMS).lean<StoryDoc>().exec());
  }

  /** The stories stored with any of these keys (a batch's, one per story). */
  storiesOf(keys: string[]): Promise<StoryDoc[]> {
    return this.db.run((maxTimeMS) =>
      this.models.Story.find({ idempotencyKey: { $in: keys } })
        .maxTimeMS(maxTimeMS)
        .lean<StoryDoc[]>()
        .exec(),
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
    return result.modifiedCount === 1;
  }
}
