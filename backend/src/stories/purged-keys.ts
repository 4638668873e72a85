import { IDEMPOTENCY_WINDOW_SEC } from '@storyflow/contracts';
import type { DbGate } from '../db/db-gate.js';
import { DuplicateKeyError } from '../db/db-errors.js';
import { insertEach } from '../db/insert-each.js';
import type { StoryModels } from './story.model.js';

/** The Idempotency-Key of a story retention purged: which story it made, for which request, and when. */
export interface PurgedKey {
  key: string;
  id: string;
  requestHash: string;
  createdAt: Date;
}

/** Where purged stories' keys are kept for the rest of their window (see IdempotencyKeys). */
export interface PurgedKeys {
  ensureIndexes(): Promise<void>;
  keep(keys: PurgedKey[]): Promise<void>;
  find(keys: string[]): Promise<PurgedKey[]>;
  /** Forgets the key if its story was created before `createdBefore`; whether it did. */
  release(key: string, createdBefore: Date): Promise<boolean>;
}

/** In MongoDB, beside the stories (`purged_keys`): a TTL index ends each record with its key's window. */
export class StoredPurgedKeys implements PurgedKeys {
  constructor(
    private readonly models: StoryModels,
    private readonly db: DbGate,
  ) {}

  async ensureIndexes(): Promise<void> {
    await this.db.run(() => this.models.PurgedKey.createIndexes());
  }

  async keep(keys: PurgedKey[]): Promise<void> {
    const records = keys.map((k) => ({ _id: k.key, storyId: k.id, requestHash: k.requestHash, createdAt: k.createdAt }));
    const outcomes = await this.db.run((maxTimeMS) => insertEach(this.models.PurgedKey.collection, records, maxTimeMS));
    // A duplicate: kept already (a purge retried after its delete failed), the same record.
    const failed = outcomes.find((e) => e !== null && !(e instanceof DuplicateKeyError));
    if (failed) throw failed;
  }

  async find(keys: string[]): Promise<PurgedKey[]> {
    const found = await this.db.run((maxTimeMS) =>
      this.models.PurgedKey.find({ _id: { $in: keys } })
        .maxTimeMS(maxTimeMS)
        .lean()
        .exec(),
    );
    return found.map((p) => ({ key: p._id, id: String(p.storyId), requestHash: p.requestHash, createdAt: p.createdAt }));
  }

  async release(key: string, createdBefore: Date): Promise<boolean> {
    const result = await this.db.run((maxTimeMS) =>
      this.models.PurgedKey.deleteOne({ _id: key, createdAt: { $lt: createdBefore } })
        .maxTimeMS(maxTimeMS)
        .exec(),
    );
    return result.deletedCount === 1;
  }
}

/** In memory, at most `max` (oldest first out), for the stand-in: its data dies with the process and it scans on every write. */
export class MemoryPurgedKeys implements PurgedKeys {
  private readonly keys = new Map<string, PurgedKey>();

  constructor(
    private readonly max: number,
    private readonly now: () => number,
  ) {}

  async ensureIndexes(): Promise<void> {}

  keep(keys: PurgedKey[]): Promise<void> {
    for (const k of keys) this.keys.set(k.key, k);
    const windowStart = this.now() - IDEMPOTENCY_WINDOW_SEC * 1000;
    // Insertion order is purge order: the oldest first.
    for (const [key, k] of this.keys) {
      if (this.keys.size <= this.max && k.createdAt.getTime() >= windowStart) break;
      this.keys.delete(key);
    }
    return Promise.resolve();
  }

  find(keys: string[]): Promise<PurgedKey[]> {
    return Promise.resolve(keys.flatMap((k) => this.keys.get(k) ?? []));
  }

  release(key: string, createdBefore: Date): Promise<boolean> {
    const found = this.keys.get(key);
    return Promise.resolve(!!found && found.createdAt < createdBefore && this.keys.delete(key));
  }
}
