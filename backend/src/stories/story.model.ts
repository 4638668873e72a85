import { Schema, type Connection, type InferSchemaType, type Types } from 'mongoose';
import { STORY_STATUSES, type StoryStatus } from '@storyflow/contracts';

/** A story as stored (and as read with `lean()`). */
export interface StoryDoc {
  _id: Types.ObjectId;
  title: string | null;
  externalRef: number | null;
  status: StoryStatus;
  tasks: TaskDoc[];
  taskCount: number;
  doneCount: number;
  estimateMs: number;
  criticalPathMs: number;
  createdAt: Date;
  completedAt: Date | null;
}

export interface TaskDoc {
  n: number;
  estimate: number;
  status: StoryStatus;
  doneAt: Date | null;
}

// Tasks are embedded: bounded (MAX_TASKS) and always read with their story, so a story is one document
// and creating one is one insert.
const TaskSchema = new Schema(
  {
    n: { type: Number, required: true },
    estimate: { type: Number, required: true },
    status: { type: String, enum: STORY_STATUSES, required: true, default: 'Open' },
    doneAt: { type: Date, default: null },
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
    doneCount: { type: Number, required: true, default: 0 },
    estimateMs: { type: Number, required: true },
    criticalPathMs: { type: Number, required: true },
    createdAt: { type: Date, required: true },
    completedAt: { type: Date, default: null },
  },
  { collection: 'stories', versionKey: false, autoCreate: false },
);
// Recovery (Open by arrival), retention (Done by age) and filtered listing.
StorySchema.index({ status: 1, createdAt: 1 });
// Unfiltered listing, newest first.
StorySchema.index({ createdAt: 1 });

/**
 * Cumulative figures of stories that are no longer in the `stories` collection, so that purging or
 * deleting never changes the produced/completed counts. `pending` records a removal in progress:
 * written before the delete and cleared with the increment, so a crash in between is repaired at start.
 */
const CountersSchema = new Schema(
  {
    _id: { type: String, required: true },
    removedOpen: { type: Number, default: 0 },
    removedDone: { type: Number, default: 0 },
    purged: { type: Number, default: 0 },
    deleted: { type: Number, default: 0 },
    pending: {
      type: new Schema(
        {
          openIds: [Schema.Types.ObjectId],
          doneIds: [Schema.Types.ObjectId],
          reason: { type: String, enum: ['delete', 'purge'] },
        },
        { _id: false },
      ),
      default: null,
    },
  },
  { collection: 'counters', versionKey: false, autoCreate: false },
);

export type CountersDoc = InferSchemaType<typeof CountersSchema>;

export const COUNTERS_ID = 'stories';

export function storyModels(connection: Connection) {
  return {
    Story: connection.model('Story', StorySchema),
    Counters: connection.model('Counters', CountersSchema),
  };
}
export type StoryModels = ReturnType<typeof storyModels>;
