import { z } from 'zod';
import {
  AccessDtoSchema,
  AuditPageSchema,
  AuditQuerySchema,
  BulkActionRequestSchema,
  BulkActionResultDtoSchema,
  BulkDeleteQuerySchema,
  createLegacyJobSchema,
  createStoryRequestSchemas,
  CreateStoryBatchRequestSchema,
  STORY_BATCH_MAX,
  StoryBatchResultDtoSchema,
  type CreateStoryBatchRequest,
  DeleteResultDtoSchema,
  HealthDtoSchema,
  InfoDtoSchema,
  ListStoriesQuerySchema,
  LivenessDtoSchema,
  pickCreateStorySchema,
  ProcessingDtoSchema,
  ProcessingRequestSchema,
  StatsHistoryQuerySchema,
  StatsHistorySchema,
  StatsSnapshotSchema,
  StoryDtoSchema,
  StoryIdInputSchema,
  StoryLimitsSchema,
  StoryListDtoSchema,
  type StoryLimits,
} from '@storyflow/contracts';
import { auditBulk, auditCreate, auditDeleteDone, auditDeleteOne, auditPause, auditRerun } from './audited-actions.js';
import type { RouteDecl, RouteTable } from './route.js';

/**
 * Every HTTP route, declared once (see route.ts). Order matters where paths overlap (`/api/stories/bulk` before
 * `/api/stories/:id`), and a path's methods are listed (in `Allow` too) in table order.
 */
export function apiRoutes(limits: StoryLimits) {
  return {
    ...storiesRoutes(limits),
    ...bulkRoutes(),
    ...storyRoutes(),
    ...controlRoutes(limits),
    ...systemRoutes(),
    ...auditRoutes(),
  } satisfies RouteTable;
}

/** The collection: list, create, delete the Done ones, act on many. */
function storiesRoutes(limits: StoryLimits) {
  const create = createStoryRequestSchemas(limits);
  return {
    listStories: {
      method: 'get',
      path: '/api/stories',
      summary: 'List stories, newest first, without their tasks',
      role: 'viewer',
      rateLimit: 'reads',
      query: ListStoriesQuerySchema,
      ok: { status: 200, description: 'A page of stories, with counts by status', schema: StoryListDtoSchema },
      errors: [400],
    },
    createStory: {
      method: 'post',
      path: '/api/stories',
      summary: 'Create a story from task estimates, or from a count and an estimate range (201 once persisted)',
      role: 'operator',
      rateLimit: 'changes',
      // A full server refuses before reading the body (see StoryEndpoints.assertRoomFor).
      roomForStory: true,
      idempotent: true,
      audit: auditCreate,
      stories: () => 1,
      // A key whose story ran to Done and was purged since: not created again.
      errors: [410],
      body: {
        schemas: { CreateStoryWithTasks: create.explicit, CreateStoryGenerated: create.generated },
        pick: (body) => pickCreateStorySchema(body, create),
      },
      ok: { status: 201, description: 'The stored story', schema: StoryDtoSchema },
    },
    createStoryBatch: {
      method: 'post',
      path: '/api/stories/batch',
      summary: `Create up to ${STORY_BATCH_MAX} stories in one request, each validated and admitted on its own: one answer per story, in order`,
      role: 'operator',
      rateLimit: 'changes',
      roomForStory: true,
      idempotent: true,
      // Rate-limited by stories: a batch of 100 spends what 100 single creates would.
      stories: (body) => (body as CreateStoryBatchRequest).stories.length,
      body: { schemas: { CreateStoryBatch: CreateStoryBatchRequestSchema } },
      ok: {
        status: 201,
        description: 'Every story stored (by this request, or some by an earlier one with its key)',
        schema: StoryBatchResultDtoSchema,
      },
      also: {
        200: {
          description: 'A replay: every story was stored by an earlier request with this Idempotency-Key',
          schema: StoryBatchResultDtoSchema,
        },
        207: {
          description: 'Some stories were not stored: each says why (the status a single create would answer)',
          schema: StoryBatchResultDtoSchema,
        },
      },
    },
  } satisfies RouteTable;
}

/** Acting on many stories at once (operator actions, audited). */
function bulkRoutes() {
  return {
    deleteDoneStories: {
      method: 'delete',
      path: '/api/stories',
      summary: 'Delete every Done story',
      role: 'operator',
      rateLimit: 'changes',
      query: BulkDeleteQuerySchema,
      ok: { status: 200, description: 'How many were deleted', schema: DeleteResultDtoSchema },
      errors: [400],
      audit: auditDeleteDone,
    },
    bulkStories: {
      method: 'post',
      path: '/api/stories/bulk',
      summary: 'Delete or rerun up to 100 stories; a failure of one does not stop the others',
      role: 'operator',
      rateLimit: 'changes',
      body: { schemas: { BulkActionRequest: BulkActionRequestSchema } },
      ok: { status: 200, description: 'One result per id, in the order asked', schema: BulkActionResultDtoSchema },
      audit: auditBulk,
    },
  } satisfies RouteTable;
}

/** One story, by id. */
function storyRoutes() {
  const storyId = { id: { description: 'Story id', schema: StoryIdInputSchema } };
  return {
    rerunStory: {
      method: 'post',
      path: '/api/stories/:id/rerun',
      summary: 'Create a new story with the same tasks',
      role: 'operator',
      rateLimit: 'changes',
      params: storyId,
      ok: { status: 201, description: 'The new story', schema: StoryDtoSchema },
      errors: [404],
      audit: auditRerun,
    },
    getStory: {
      method: 'get',
      path: '/api/stories/:id',
      summary: 'A story with its tasks and progress',
      role: 'viewer',
      rateLimit: 'reads',
      params: storyId,
      ok: { status: 200, description: 'The story', schema: StoryDtoSchema },
      errors: [404],
    },
    deleteStory: {
      method: 'delete',
      path: '/api/stories/:id',
      summary: "Delete a story (an Open story's waiting tasks are dropped)",
      role: 'operator',
      rateLimit: 'changes',
      params: storyId,
      ok: { status: 200, description: '`{ "deleted": 1 }`', schema: DeleteResultDtoSchema },
      errors: [404],
      audit: auditDeleteOne,
    },
  } satisfies RouteTable;
}

/** The original client's jobs, and pausing the whole server. */
function controlRoutes(limits: StoryLimits) {
  return {
    // The original Go/React client posts its jobs here.
    createLegacyJob: {
      method: 'post',
      path: '/api/jobs',
      summary: "The original Go/React client's job, stored as a story (`externalRef` = its `id`)",
      role: 'operator',
      rateLimit: 'changes',
      roomForStory: true,
      crossOrigin: true,
      idempotent: true,
      stories: () => 1,
      errors: [410],
      body: { schemas: { LegacyJob: createLegacyJobSchema(limits) } },
      ok: { status: 201, description: 'The stored story', schema: StoryDtoSchema },
    },
    getProcessing: {
      method: 'get',
      path: '/api/processing',
      summary: 'Whether processing is paused',
      role: 'viewer',
      ok: { status: 200, description: 'The processing state', schema: ProcessingDtoSchema },
    },
    setProcessing: {
      method: 'put',
      path: '/api/processing',
      summary: 'Pause (running tasks finish, no new ones start) or resume processing',
      role: 'operator',
      rateLimit: 'changes',
      body: { schemas: { ProcessingRequest: ProcessingRequestSchema } },
      ok: { status: 200, description: 'The new processing state', schema: ProcessingDtoSchema },
      audit: auditPause,
    },
  } satisfies RouteTable;
}

/** The server's own state; none of these reads the stories. */
function systemRoutes() {
  const read = <const Ok extends RouteDecl['ok']>(path: string, summary: string, ok: Ok) =>
    ({ method: 'get', path, summary, role: 'viewer', ok }) as const;
  return {
    getOpenApi: read('/api/openapi.json', 'This document', {
      status: 200,
      description: 'OpenAPI 3.1',
      schema: z.looseObject({ openapi: z.string() }),
    }),
    // The limits this server validates with, so the dashboard's form checks the same ones.
    getLimits: read('/api/limits', 'The request limits this server validates with', {
      status: 200,
      description: 'The limits',
      schema: StoryLimitsSchema,
    }),
    getAccess: {
      ...read('/api/access', "What the caller's token (or none) allows", {
        status: 200,
        description: 'The role and which requests need a token',
        schema: AccessDtoSchema,
      }),
      headers: { 'Cache-Control': 'no-store' },
    },
    // Open to everyone (load balancers, compose healthchecks): it tells nothing about the stories.
    getHealth: {
      method: 'get',
      path: '/api/health',
      summary: 'Readiness: whether this instance can serve now, and what is wrong (database, Redis); open to everyone',
      role: 'none',
      servedWhileStopping: true,
      ok: { status: 200, description: 'Serving: `ok`, or `degraded` (Redis away: creates and pause refused)', schema: HealthDtoSchema },
      also: { 503: { description: 'The database is unreachable, or the server is stopping', schema: HealthDtoSchema } },
      headers: { 'Cache-Control': 'no-store' },
    },
    getLiveness: {
      method: 'get',
      path: '/api/health/live',
      summary: 'Liveness: the process answers (it recovers from database and Redis outages by itself; restarting it would not help)',
      role: 'none',
      servedWhileStopping: true,
      ok: { status: 200, description: 'Alive', schema: LivenessDtoSchema },
      headers: { 'Cache-Control': 'no-store' },
    },
    getInfo: read('/api/info', 'Database mode, retention, history length, pause state, cluster instance', {
      status: 200,
      description: 'What this server runs with',
      schema: InfoDtoSchema,
    }),
    // The persisted per-second figures, by range (from the database, so rate-limited like other reads).
    getStatsHistory: {
      ...read('/api/stats/history', 'The persisted per-second figures over a range, bucketed', {
        status: 200,
        description: 'Buckets, oldest first; a bucket without data is absent',
        schema: StatsHistorySchema,
      }),
      rateLimit: 'reads',
      query: StatsHistoryQuerySchema,
      errors: [400],
    },
    // Served from memory (counter cache + history), never from the database.
    getStats: read('/api/stats', 'Current figures and the recent per-second history, from memory', {
      status: 200,
      description: 'Figures, oldest second first',
      schema: StatsSnapshotSchema,
    }),
    // Prometheus scrapes the backend directly (nginx does not expose it); a viewer token when reads need one.
    getMetrics: {
      ...read('/metrics', 'Prometheus metrics (scraped from the backend directly; nginx does not expose it)', {
        status: 200,
        description: 'Prometheus text exposition format',
        schema: z.string(),
        contentType: 'text/plain',
      }),
      // `?name=` (repeatable): just those series, for a cheap poll (the benchmark watches completions so).
      query: z.object({ name: z.union([z.string(), z.array(z.string())]).optional() }),
    },
  } satisfies RouteTable;
}

/** The audit log of operator actions. */
function auditRoutes() {
  return {
    getAudit: {
      method: 'get',
      path: '/api/audit',
      summary: 'Operator actions (deletes, bulk actions, run again, pause, resume), newest first, a page at a time',
      role: 'operator',
      rateLimit: 'reads',
      query: AuditQuerySchema,
      ok: { status: 200, description: 'A page of entries, and the cursor of the next', schema: AuditPageSchema },
      errors: [400],
    },
  } satisfies RouteTable;
}
