import './zod-setup.js';
import * as z from 'zod';
import { ApiErrorBodySchema } from './api.js';
import { DEFAULT_STORY_LIMITS, PAGE_LIMIT_DEFAULT, PAGE_LIMIT_MAX, SEARCH_QUERY_MAX_LENGTH, type StoryLimits } from './limits.js';

const tasks = (n: number) => `${n} ${n === 1 ? 'task' : 'tasks'}`;

/** Error text for a wrong-typed field that says "is required" when it is missing. */
const typeError = (expected: string) => (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : `must be ${expected}`);

/** Object-level error that leaves field-level messages (e.g. unrecognized keys) alone. */
const objectError = (message: string) => (issue: { code?: string }) => (issue.code === 'invalid_type' ? message : undefined);

/**
 * A story id: a MongoDB ObjectId as 24 hex digits, the one pattern every layer checks ids with.
 * The server writes ids lower case (`ObjectId.toHexString()`); wherever a client names a story (URLs, bulk
 * ids, search, live watch) either case is accepted, as it always has been (ObjectId parses both), so the
 * accepted pattern spells out both cases rather than using the `i` flag, which JSON Schema cannot express.
 */
export const STORY_ID_PATTERN = /^[0-9a-fA-F]{24}$/;
/** Whether a client-supplied value names a story (either case; see STORY_ID_PATTERN). */
export const isStoryId = (value: string): boolean => STORY_ID_PATTERN.test(value);
/** A story id as the server sends it: lower case. */
export const StoryIdSchema = z.string().regex(/^[0-9a-f]{24}$/);
/** A story id as a client may send it: either case. */
export const StoryIdInputSchema = z.string().regex(STORY_ID_PATTERN);

export const STORY_STATUSES = ['Open', 'Done'] as const;
export const StoryStatusSchema = z.enum(STORY_STATUSES);
export type StoryStatus = z.infer<typeof StoryStatusSchema>;

/**
 * POST /api/stories: either explicit task estimates, or a count and a range the server draws from.
 * Built from limits so the server applies its configured ones and the UI the defaults.
 * Two schemas rather than a union, so an error names the field of the form the client meant
 * (`pickCreateStorySchema` chooses by the presence of `tasks`).
 */
export function createStoryRequestSchemas(limits: StoryLimits = DEFAULT_STORY_LIMITS) {
  const estimate = estimateSchema(limits);
  const title = z
    .string({ error: typeError('a string') })
    .trim()
    .max(limits.maxTitleLength, `must be at most ${limits.maxTitleLength} characters`)
    .optional();
  const explicit = z.strictObject(
    {
      title,
      tasks: z
        .array(z.strictObject({ estimate }, { error: objectError('must be an object { "estimate": ms }') }), {
          error: typeError('an array of { "estimate": ms }'),
        })
        .min(limits.minTasks, `must have at least ${tasks(limits.minTasks)}`)
        .max(limits.maxTasks, `must have at most ${limits.maxTasks} tasks`),
    },
    { error: objectError('body must be a JSON object') },
  );
  const generated = z
    .strictObject(
      {
        title,
        taskCount: z
          .number({ error: typeError('a number') })
          .int('must be a whole number')
          .min(limits.minTasks, `must be at least ${limits.minTasks}`)
          .max(limits.maxTasks, `must be at most ${limits.maxTasks}`),
        estimateMin: estimate,
        estimateMax: estimate,
      },
      { error: objectError('body must be a JSON object with "tasks", or "taskCount", "estimateMin" and "estimateMax"') },
    )
    .refine((v) => v.estimateMin <= v.estimateMax, {
      path: ['estimateMax'],
      message: 'must be at least estimateMin (the shortest estimate)',
    });
  return { explicit, generated };
}
export type CreateStorySchemas = ReturnType<typeof createStoryRequestSchemas>;
export type ExplicitStoryRequest = z.infer<CreateStorySchemas['explicit']>;
export type GeneratedStoryRequest = z.infer<CreateStorySchemas['generated']>;
export type CreateStoryRequest = ExplicitStoryRequest | GeneratedStoryRequest;

/** POST /api/stories/batch: at most this many stories in one request. */
export const STORY_BATCH_MAX = 1000;

/**
 * POST /api/stories/batch: `{ "stories": [ …story bodies… ] }`. Only the envelope is checked here: each
 * story is validated on its own (as `pickCreateStorySchema` does a single create), so one bad story is an
 * answer of its own in the results rather than a 400 for all.
 */
export const CreateStoryBatchRequestSchema = z.strictObject(
  {
    stories: z
      .array(z.unknown(), { error: typeError('an array of story bodies') })
      .min(1, 'must have at least one story')
      .max(STORY_BATCH_MAX, `must have at most ${STORY_BATCH_MAX} stories`),
  },
  { error: objectError('body must be a JSON object { "stories": [ … ] }') },
);
export type CreateStoryBatchRequest = z.infer<typeof CreateStoryBatchRequestSchema>;

/** An Idempotency-Key (see headers.ts). */
export const IdempotencyKeySchema = z
  .string()
  .regex(/^[\x21-\x7e]{1,255}$/, 'must be 1–255 printable ASCII characters without spaces (a UUID, say)');

export function pickCreateStorySchema(body: unknown, schemas: CreateStorySchemas) {
  return body !== null && typeof body === 'object' && 'tasks' in body ? schemas.explicit : schemas.generated;
}

function estimateSchema(limits: StoryLimits) {
  return z
    .number({ error: typeError('a number of milliseconds') })
    .int('must be a whole number of milliseconds')
    .min(limits.minEstimateMs, `must be at least ${limits.minEstimateMs} ms`)
    .max(limits.maxEstimateMs, `must be at most ${limits.maxEstimateMs} ms`);
}

/** POST /api/jobs: the original Go/React client's payload. `id` is that client's page-local counter. */
export function createLegacyJobSchema(limits: StoryLimits = DEFAULT_STORY_LIMITS) {
  const estimate = estimateSchema(limits);
  return z
    .object(
      {
        id: z.number({ error: typeError('a number') }).int('must be a whole number'),
        noOfTasks: z
          .number({ error: typeError('a number') })
          .int('must be a whole number')
          .optional(),
        completed: z.boolean({ error: typeError('a boolean') }).optional(),
        tasks: z
          .array(z.object({ id: z.number().int().optional(), estimate }), { error: typeError('an array of tasks') })
          .min(limits.minTasks, `must have at least ${tasks(limits.minTasks)}`)
          .max(limits.maxTasks, `must have at most ${limits.maxTasks} tasks`),
      },
      { error: objectError('body must be a JSON object with "id" and "tasks"') },
    )
    .refine((v) => v.noOfTasks === undefined || v.noOfTasks === v.tasks.length, {
      path: ['noOfTasks'],
      message: 'must equal the number of tasks',
    });
}
export type LegacyJobRequest = z.infer<ReturnType<typeof createLegacyJobSchema>>;

const positiveIntFromQuery = (name: string, max?: number) => {
  let s = z.coerce
    .number({ error: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .min(1, `${name} must be at least 1`);
  if (max !== undefined) s = s.max(max, `${name} must be at most ${max}`);
  return s;
};

/** GET /api/stories query. */
export const ListStoriesQuerySchema = z.strictObject({
  status: z.enum(STORY_STATUSES, { error: 'status must be "Open" or "Done"' }).optional(),
  /** A story id (24 hex digits), or text found in titles (case-insensitive). */
  q: z
    .string({ error: 'q must be a single text' })
    .trim()
    .max(SEARCH_QUERY_MAX_LENGTH, `q must be at most ${SEARCH_QUERY_MAX_LENGTH} characters`)
    .optional()
    .transform((v) => v || undefined),
  // Bounded so the skip stays a 32-bit integer (limit ≤ 100).
  page: positiveIntFromQuery('page', 1_000_000).default(1),
  limit: positiveIntFromQuery('limit', PAGE_LIMIT_MAX).default(PAGE_LIMIT_DEFAULT),
});
export type ListStoriesQuery = z.infer<typeof ListStoriesQuerySchema>;

/** DELETE /api/stories query: bulk delete is only for finished stories, so it never drops work by accident. */
export const BulkDeleteQuerySchema = z.strictObject({
  status: z.literal('Done', { error: 'status=Done is required: only finished stories can be deleted in bulk' }),
});

/** Response bodies. Every type below is inferred from its schema; the OpenAPI document is generated from them too. */

/** Timestamps are ISO 8601 in UTC (`Date.prototype.toISOString`). */
const timestamp = z.iso.datetime();
const count = z.number().int().nonnegative();

export const TaskDtoSchema = z.object({
  /** Position in the story, from 0. */
  n: count,
  estimate: z.number().int().positive(),
  status: StoryStatusSchema,
  doneAt: timestamp.nullable(),
});
export type TaskDto = z.infer<typeof TaskDtoSchema>;

/** POST /api/stories/bulk: one action on up to 100 stories. */
export const BULK_MAX = 100;
export const BulkActionRequestSchema = z.strictObject({
  action: z.enum(['delete', 'rerun'], { error: 'action must be "delete" or "rerun"' }),
  ids: z
    .array(z.string({ error: 'must be a story id' }).regex(STORY_ID_PATTERN, 'must be a story id (24 hex characters)'), {
      error: 'ids must be an array of story ids',
    })
    .min(1, 'ids must name at least one story')
    .max(BULK_MAX, `ids must name at most ${BULK_MAX} stories`)
    .refine((ids) => new Set(ids).size === ids.length, 'ids must not repeat'),
});
export type BulkActionRequest = z.infer<typeof BulkActionRequestSchema>;

export const BulkActionResultDtoSchema = z.object({
  /** One per id, in the order asked; `newId` is the story a rerun created. */
  results: z.array(z.object({ id: z.string(), ok: z.boolean(), newId: StoryIdSchema.optional(), error: z.string().optional() })),
});
export type BulkActionResultDto = z.infer<typeof BulkActionResultDtoSchema>;

/** One story of a batch: its id (stored, by this request or, `replayed`, an earlier one with its key), or why not. */
export const StoryBatchResultSchema = z.union([
  z.object({ ok: z.literal(true), id: StoryIdSchema, replayed: z.boolean() }),
  z.object({
    ok: z.literal(false),
    /** The status a single create of this story would have answered (400, 422, 503, …). */
    status: z.number().int(),
    /** With a 503 or 429: when to send it again (the batch, with the same Idempotency-Key), as Retry-After would say. */
    retryAfterSec: z.number().int().positive().optional(),
    error: ApiErrorBodySchema.shape.error,
  }),
]);
export type StoryBatchResult = z.infer<typeof StoryBatchResultSchema>;

export const StoryBatchResultDtoSchema = z.object({
  /** One per story, in the order sent. */
  results: z.array(StoryBatchResultSchema),
  created: count,
  replayed: count,
  failed: count,
});
export type StoryBatchResultDto = z.infer<typeof StoryBatchResultDtoSchema>;

/** PUT /api/processing: pause (running tasks finish, no new ones start) or resume the whole server. */
export const ProcessingRequestSchema = z.strictObject({
  paused: z.boolean({ error: 'paused must be true or false' }),
});
export const ProcessingDtoSchema = z.object({
  paused: z.boolean(),
  /** When the current state began, epoch ms. */
  since: z.number(),
});
export type ProcessingDto = z.infer<typeof ProcessingDtoSchema>;

export const StorySummaryDtoSchema = z.object({
  id: StoryIdSchema,
  title: z.string().nullable(),
  /** The legacy client's own job id, if the story came through POST /api/jobs. */
  externalRef: z.number().int().nullable(),
  status: StoryStatusSchema,
  taskCount: count,
  doneCount: count,
  /** Sum of the task estimates: the work in the story. */
  estimateMs: count,
  /** Longest single task: the least time the story can take with enough workers. */
  criticalPathMs: count,
  createdAt: timestamp,
  /** When its first task started (from the tasks' done times once stored; exact while it runs). */
  startedAt: timestamp.nullable(),
  completedAt: timestamp.nullable(),
  /** completedAt - createdAt, once Done. */
  processingMs: z.number().nullable(),
  /** Tasks running on workers right now (0 when none, or when not known to this server). */
  runningTasks: count,
});
export type StorySummaryDto = z.infer<typeof StorySummaryDtoSchema>;

export const StoryTimingDtoSchema = z.object({
  /** Accepted → its first task started: waiting for a worker. */
  waitingMs: z.number(),
  /** First task started → last task done: running its tasks. */
  runningMs: z.number(),
  /** Last task done → Done stored: waiting for its commit. */
  committingMs: z.number(),
});
export type StoryTimingDto = z.infer<typeof StoryTimingDtoSchema>;

export const StoryDtoSchema = StorySummaryDtoSchema.extend({
  /** Where its latency went, once Done (the three add up to processingMs); null while Open, or where its last task's end is not known. */
  timing: StoryTimingDtoSchema.nullable(),
  tasks: z.array(TaskDtoSchema),
  /** Numbers of the tasks running right now. */
  running: z.array(count),
});
export type StoryDto = z.infer<typeof StoryDtoSchema>;

export const StoryCountsDtoSchema = z.object({ all: count, Open: count, Done: count });
export type StoryCountsDto = z.infer<typeof StoryCountsDtoSchema>;

export const StoryListDtoSchema = z.object({
  items: z.array(StorySummaryDtoSchema),
  /** Stories matching the query (status and q). */
  total: count,
  page: z.number().int().positive(),
  limit: z.number().int().positive(),
  /** Stories matching `q` by status, for the filter buttons. */
  counts: StoryCountsDtoSchema,
});
export type StoryListDto = z.infer<typeof StoryListDtoSchema>;

/** Live per-story figures, on the `story:progress` event for watched stories. */
export const StoryProgressDtoSchema = z.object({
  id: StoryIdSchema,
  /** `Deleted`: it is gone (deleted or purged). */
  status: z.enum([...STORY_STATUSES, 'Deleted']),
  taskCount: count,
  doneCount: count,
  runningTasks: count,
  /** Numbers of the tasks running now (the detail page's timeline). */
  running: z.array(count),
  startedAt: timestamp.nullable(),
  completedAt: timestamp.nullable(),
});
export type StoryProgressDto = z.infer<typeof StoryProgressDtoSchema>;

export const DeleteResultDtoSchema = z.object({ deleted: count });
export type DeleteResultDto = z.infer<typeof DeleteResultDtoSchema>;
