import { AUDIT_KEEP_DAYS, AUDIT_MAX_ENTRIES, type AuditEntryDto, type AuditPageDto, type AuditQuery } from '@storyflow/contracts';
import { Schema, Types, type Connection } from 'mongoose';
import type { DbGate } from '../db/db-gate.js';
import { findProjected } from '../db/projected-find.js';

/** An entry as recorded, before it has an id. */
export type AuditRecord = Omit<AuditEntryDto, 'id' | 'at'> & { at: Date };

interface AuditDoc extends Omit<AuditRecord, 'target'> {
  _id: Types.ObjectId;
  target: AuditEntryDto['target'];
}

const AuditSchema = new Schema(
  {
    at: { type: Date, required: true },
    action: { type: String, required: true },
    role: { type: String, required: true },
    token: { type: Boolean, required: true },
    client: { type: String, required: true },
    instance: { type: String, required: true },
    target: { type: Schema.Types.Mixed, default: {} },
    status: { type: Number, required: true },
  },
  { collection: 'audit', versionKey: false, autoCreate: false, minimize: false },
);
// Newest first (the _id grows with time), all of them or by action; trimmed by age.
AuditSchema.index({ action: 1, _id: -1 });
AuditSchema.index({ at: 1 });

const toDto = (doc: AuditDoc): AuditEntryDto => ({
  id: doc._id.toHexString(),
  at: new Date(doc.at).toISOString(),
  action: doc.action,
  role: doc.role,
  token: doc.token,
  client: doc.client,
  instance: doc.instance,
  target: doc.target,
  status: doc.status,
});

/**
 * Operator actions, in the database beside the stories (so every instance of a cluster writes and reads the
 * same log), bounded by age and count (`trim`). A record the database does not take is the caller's to log:
 * the action it describes has been answered already.
 */
export class AuditLog {
  private readonly Entry;

  constructor(
    connection: Connection,
    private readonly db: DbGate,
  ) {
    this.Entry = connection.model<AuditDoc>('AuditEntry', AuditSchema);
  }

  async ensureIndexes(): Promise<void> {
    await this.db.run(() => this.Entry.createIndexes());
  }

  async record(entry: AuditRecord): Promise<void> {
    await this.db.run((maxTimeMS) => this.Entry.collection.insertOne({ _id: new Types.ObjectId(), ...entry }, { maxTimeMS }));
  }

  /** A page, newest first; `next` is the cursor of the page after it. */
  async page(query: AuditQuery): Promise<AuditPageDto> {
    const filter = {
      ...(query.action ? { action: query.action } : {}),
      ...(query.before ? { _id: { $lt: new Types.ObjectId(query.before) } } : {}),
    };
    const docs = await this.db.run((maxTimeMS) =>
      this.Entry.find(filter)
        .sort({ _id: -1 })
        .limit(query.limit + 1)
        .maxTimeMS(maxTimeMS)
        .lean<AuditDoc[]>()
        .exec(),
    );
    const items = docs.slice(0, query.limit).map(toDto);
    return { items, next: docs.length > query.limit ? items.at(-1)!.id : null };
  }

  /** Deletes what is older than AUDIT_KEEP_DAYS or beyond the newest AUDIT_MAX_ENTRIES; returns how many. */
  async trim(now: number, maxEntries = AUDIT_MAX_ENTRIES): Promise<number> {
    const [oldestKept] = await this.db.run((maxTimeMS) =>
      findProjected<{ at: Date }>(
        this.Entry.collection,
        { filter: {}, sort: { at: -1 }, skip: maxEntries - 1, limit: 1, projection: { at: 1 } },
        maxTimeMS,
      ),
    );
    const byAge = now - AUDIT_KEEP_DAYS * 86_400_000;
    const before = Math.max(byAge, oldestKept ? new Date(oldestKept.at).getTime() : -Infinity);
    const result = await this.db.run((maxTimeMS) =>
      this.Entry.deleteMany({ at: { $lt: new Date(before) } })
        .maxTimeMS(maxTimeMS)
        .exec(),
    );
    return result.deletedCount;
  }
}
