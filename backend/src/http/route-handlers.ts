import { createHash } from 'node:crypto';
import { createStoryRequestSchemas, IDEMPOTENT_REPLAYED_HEADER, type AccessDto, type StoryLimits } from '@storyflow/contracts';
import { bearerToken, resolveAccess, type AccessConfig } from '../access/access-policy.js';
import type { Metrics } from '../metrics/metrics.js';
import type { apiRoutes } from './api-routes.js';
import type { AuditEndpoints, Created, Idempotency, StoryEndpoints, SystemState } from './endpoints.js';
import { reply, type Handlers } from './route.js';
import { answerBatch } from './story-batch-answer.js';

export type ApiRoutes = ReturnType<typeof apiRoutes>;

/** The key and a digest of its request (operation and parsed body): same key and request a replay, another request a 422. */
function idempotencyOf(operation: string, key: string | undefined, body: unknown): Idempotency | undefined {
  if (key === undefined) return undefined;
  return {
    key,
    requestHash: createHash('sha256')
      .update(`${operation}\n${JSON.stringify(body)}`)
      .digest('base64url'),
  };
}

/** 201 for a story just created; a replay answers 200 with what the first request created, and says so. */
const created = ({ story, replayed }: Created) => (replayed ? reply(200, story, { [IDEMPOTENT_REPLAYED_HEADER]: 'true' }) : story);

export interface HandlerDeps {
  stories: StoryEndpoints;
  system: SystemState;
  audit: AuditEndpoints;
  limits: StoryLimits;
  access: AccessConfig;
  metrics: Metrics;
  /** The OpenAPI document (built from the same table). */
  openApi: { openapi: string };
}

/** What each route does once guarded and parsed: the `ok` answer's body, or a `reply` with another status or headers. */
export function routeHandlers({ stories, system, audit, limits, access, metrics, openApi }: HandlerDeps): Handlers<ApiRoutes> {
  const createSchemas = createStoryRequestSchemas(limits);
  return {
    listStories: ({ query }) => stories.list(query),
    createStory: async ({ body, idempotencyKey }) =>
      created(await stories.create(body, idempotencyOf('createStory', idempotencyKey, body))),
    createStoryBatch: ({ body, idempotencyKey }) =>
      answerBatch(stories, createSchemas, body, idempotencyOf('createStoryBatch', idempotencyKey, body)),
    deleteDoneStories: () => stories.deleteDone(),
    bulkStories: ({ body }) => stories.bulk(body),
    rerunStory: ({ params }) => stories.rerun(params.id),
    getStory: ({ params }) => stories.get(params.id),
    deleteStory: ({ params }) => stories.deleteOne(params.id),
    createLegacyJob: async ({ body, idempotencyKey }) =>
      created(await stories.createFromLegacyJob(body, idempotencyOf('createLegacyJob', idempotencyKey, body))),
    getProcessing: () => stories.processing(),
    setProcessing: ({ body }) => stories.setPaused(body.paused),
    getAudit: ({ query }) => audit.page(query),

    getOpenApi: () => openApi,
    getLimits: () => limits,
    // The caller's role, so the dashboard knows whether to ask for a token or hide controls.
    getAccess: ({ authorization }): AccessDto => {
      const caller = resolveAccess(access, bearerToken(authorization));
      return {
        role: caller.role === 'operator' ? 'operator' : 'viewer',
        readsNeedToken: access.viewToken !== undefined,
        mutationsNeedToken: access.apiToken !== undefined,
      };
    },
    getHealth: () => {
      const health = system.health();
      return health.status === 'unavailable' ? reply(503, health) : health;
    },
    getLiveness: () => system.liveness(),
    getInfo: () => system.info(),
    getStatsHistory: ({ query }) => system.history(query.range),
    getStats: () => system.snapshot(),
    getMetrics: async ({ query }) => {
      // Just the series named (unknown names are skipped), or all of them.
      const names = [query.name ?? []].flat();
      const { registry } = metrics;
      const known = names.filter((n) => registry.getSingleMetric(n));
      const text = names.length
        ? (await Promise.all(known.map((n) => registry.getSingleMetricAsString(n)))).join('\n')
        : await registry.metrics();
      return reply(200, text, { 'Content-Type': registry.contentType });
    },
  };
}
