import { Schema, type Connection, type InferRawDocTypeFromSchema, type InferSchemaType, type Types } from 'mongoose';
import { IDEMPOTENCY_WINDOW_SEC, STORY_STATUSES } from '@storyflow/contracts';

// Embedded: bounded (MAX_TASKS) and always read with their story, so creating one is one insert.
const TaskSchema = new Schema(
  {
    n: { type: Number, required: true },
    estimate: { type: Number, required: true },
    status: { type: String, enum: STORY_STATUSES, required: true, default: 'Open' },
    /** Set when done (absent while Open). */
    doneAt: { type: Date },
  },
  { _id: false },
);

const StorySchema = new Schema(
  {
    title: { type: String, default: null },
    externalRef: { type: Number, default: null },
    status: { type: String, enum: STORY_STATUSES, required: true, default: 'Open' },
    tasks: { type: [TaskSchema], required: true },
    taskCount: { type: Number, required: true },
    /** Committed progress while Open (a Done story's tasks are all done: its final update is shared by many stories). */
    doneCount: { type: Number, required: true, default: 0 },
    estimateMs: { type: Number, required: true },
    criticalPathMs: { type: Number, required: true },
    createdAt: { type: Date, required: true },
    /** When its first task started, as far as stored. */
    startedAt: { type: Date },
    /** When its last task was done, where completions store it per story (see StorageProfile.completions). */
    ranUntil: { type: Date },
    completedAt: { type: Date, default: null },
    /** Lower-case words of the title: title search matches word prefixes on this (multikey) index. */
    titleWords: { type: [String], default: undefined },
    /** The mark of the committer that turned it Done (lets a retried commit recognise its own earlier write). */
    completionAttempt: { type: String, default: null },
    /** The client's Idempotency-Key, if it sent one: unique, so a retried create finds the story it made. */
    idempotencyKey: { type: String },
    /** A digest of the request that came with that key: the same key with another request is refused. */
    requestHash: { type: String },
  },
  { collection: 'stories', versionKey: false, autoCreate: false },
);
/** A story as stored (and as read with `lean()`): inferred from the schema, so the two cannot drift. */
export type StoryDoc = InferRawDocTypeFromSchema<typeof StorySchema>;
export type TaskDoc = StoryDoc['tasks'][number];

// Every query's filter and sort is covered by one of these (checked by test/integration/query-shapes.test.ts).
// Recovery (Open by arrival), counts by status, filtered listing (read backwards: newest first).
StorySchema.index({ status: 1, createdAt: 1, _id: 1 });
// Unfiltered listing, newest first.
StorySchema.index({ createdAt: 1, _id: 1 });
// Retention: Done stories by completion.
StorySchema.index({ status: 1, completedAt: 1 });
// Title search (word prefixes), and the original client's job number.
StorySchema.index({ titleWords: 1 });
StorySchema.index({ externalRef: 1 });
// One story per Idempotency-Key, whichever instance stores it (sparse: stories without a key are not in it).
StorySchema.index({ idempotencyKey: 1 }, { unique: true, sparse: true });
export const IDEMPOTENCY_INDEX = 'idempotencyKey_1';

/** A removal in progress: written before the delete, cleared together with the increment. */
export interface RemovalIntent {
  openIds: Types.ObjectId[];
  doneIds: Types.ObjectId[];
  reason: 'delete' | 'purge';
  /** When it was journaled (epoch ms). */
  at?: number;
  /** The instance that journaled it: in a cluster, another live instance's may be finishing this very moment. */
  writer?: string;
}

/**
 * Cumulative figures of stories no longer stored, and the removals in progress (one key each, so concurrent ones never overwrite
 * each other): one document, so an increment and clearing its intent are atomic (see RemovalJournal).
 */
const CountersSchema = new Schema(
  {
    _id: { type: String, required: true },
    /** When counting began: a new, empty database starts it again. */
    since: { type: Date },
    removedOpen: { type: Number, default: 0 },
    removedDone: { type: Number, default: 0 },
    purged: { type: Number, default: 0 },
    deleted: { type: Number, default: 0 },
    removals: { type: Schema.Types.Mixed, default: {} },
  },
  { collection: 'counters', versionKey: false, autoCreate: false, minimize: false },
);

export type CountersDoc = InferSchemaType<typeof CountersSchema>;

export const COUNTERS_ID = 'stories';

/** The Idempotency-Key of a story retention purged, kept for the rest of its window (see IdempotencyKeys.keepPurged). */
const PurgedKeySchema = new Schema(
  {
    _id: { type: String, required: true },
    storyId: { type: Schema.Types.ObjectId, required: true },
    requestHash: { type: String, required: true },
    /** The story's createdAt: the key's window runs from it (MongoDB's TTL monitor removes it after). */
    createdAt: { type: Date, required: true },
  },
  { collection: 'purged_keys', versionKey: false, autoCreate: false },
);
PurgedKeySchema.index({ createdAt: 1 }, { expireAfterSeconds: IDEMPOTENCY_WINDOW_SEC });
export type PurgedKeyDoc = InferRawDocTypeFromSchema<typeof PurgedKeySchema>;

export function storyModels(connection: Connection) {
  return {
    Story: connection.model('Story', StorySchema),
    Counters: connection.model('Counters', CountersSchema),
    PurgedKey: connection.model('PurgedKey', PurgedKeySchema),
  };
}
export type StoryModels = ReturnType<typeof storyModels>;
