import './zod-setup';
import { z } from 'zod';
import { DEFAULT_STORY_LIMITS, PAGE_LIMIT_DEFAULT, PAGE_LIMIT_MAX, type StoryLimits } from './limits';

/** Error text for a wrong-typed field that says "is required" when it is missing. */
const typeError = (expected: string) => (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : `must be ${expected}`);

/** Object-level error that leaves field-level messages (e.g. unrecognized keys) alone. */
const objectError = (message: string) => (issue: { code?: string }) => (issue.code === 'invalid_type' ? message : undefined);

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
        .min(limits.minTasks, `must have at least ${limits.minTasks} task(s)`)
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
      message: 'must be greater than or equal to estimateMin',
    });
  return { explicit, generated };
}
export type CreateStorySchemas = ReturnType<typeof createStoryRequestSchemas>;
export type ExplicitStoryRequest = z.infer<CreateStorySchemas['explicit']>;
export type GeneratedStoryRequest = z.infer<CreateStorySchemas['generated']>;
export type CreateStoryRequest = ExplicitStoryRequest | GeneratedStoryRequest;

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
          .min(limits.minTasks, `must have at least ${limits.minTasks} task(s)`)
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
  // Bounded so the skip stays a 32-bit integer (limit ≤ 100).
  page: positiveIntFromQuery('page', 1_000_000).default(1),
  limit: positiveIntFromQuery('limit', PAGE_LIMIT_MAX).default(PAGE_LIMIT_DEFAULT),
});
export type ListStoriesQuery = z.infer<typeof ListStoriesQuerySchema>;

/** DELETE /api/stories query: bulk delete is only for finished stories, so it never drops work by accident. */
export const BulkDeleteQuerySchema = z.strictObject({
  status: z.literal('Done', { error: 'status=Done is required: only finished stories can be deleted in bulk' }),
});

export interface TaskDto {
  n: number;
  estimate: number;
  status: StoryStatus;
  doneAt: string | null;
}

export interface StorySummaryDto {
  id: string;
  title: string | null;
  /** The legacy client's own job id, if the story came through POST /api/jobs. */
  externalRef: number | null;
  status: StoryStatus;
  taskCount: number;
  doneCount: number;
  /** Sum of the task estimates: the work in the story. */
  estimateMs: number;
  /** Longest single task: the least time the story can take with enough workers. */
  criticalPathMs: number;
  createdAt: string;
  completedAt: string | null;
  /** completedAt - createdAt, once Done. */
  processingMs: number | null;
}

export interface StoryDto extends StorySummaryDto {
  tasks: TaskDto[];
}

export interface StoryListDto {
  items: StorySummaryDto[];
  total: number;
  page: number;
  limit: number;
}

export interface DeleteResultDto {
  deleted: number;
}
