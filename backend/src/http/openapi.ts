import { z } from 'zod';
import {
  AccessDtoSchema,
  ApiErrorBodySchema,
  ApiErrorCodeSchema,
  ApiErrorDetailSchema,
  BulkActionRequestSchema,
  BulkActionResultDtoSchema,
  BulkDeleteQuerySchema,
  createLegacyJobSchema,
  createStoryRequestSchemas,
  DbModeSchema,
  DeleteResultDtoSchema,
  HealthDtoSchema,
  InfoDtoSchema,
  InstanceFiguresSchema,
  ListStoriesQuerySchema,
  ProcessingDtoSchema,
  ProcessingRequestSchema,
  StatsHistoryQuerySchema,
  StatsHistorySchema,
  StatsSampleSchema,
  StatsSnapshotSchema,
  StoryDtoSchema,
  StoryIdSchema,
  StoryCountsDtoSchema,
  StoryLimitsSchema,
  StoryListDtoSchema,
  StoryStatusSchema,
  StorySummaryDtoSchema,
  TaskDtoSchema,
  type ApiErrorCode,
  type StoryLimits,
} from '@storyflow/contracts';

/**
 * OpenAPI 3.1 description of everything the server answers over HTTP, generated from the zod schemas that
 * validate the requests and type the responses (zod 4's JSON Schema output, draft 2020-12: OpenAPI 3.1's
 * own dialect), so the document cannot drift from what the server accepts and sends. Shared schemas are
 * components; each operation lists every status it can answer.
 */

type JsonSchema = Record<string, unknown>;
type ZodSchema = z.core.$ZodType;

const schemaRef = (id: string) => `#/components/schemas/${id}`;

/** zod's output without the keywords that belong to a standalone JSON Schema document, not to an OpenAPI component. */
function bare(schema: object): JsonSchema {
  const { $schema: _schema, $id: _id, ...rest } = schema as JsonSchema;
  return rest;
}

/**
 * The named schemas as components: each one used inside another becomes a `$ref`. Requests are described as
 * they are sent (`io: 'input'`: defaults make a field optional), responses as the server produces them.
 */
function components(named: Record<string, ZodSchema>, io: 'input' | 'output'): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(named)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { io, uri: schemaRef, unrepresentable: 'any' });
  return Object.fromEntries(Object.entries(schemas).map(([id, schema]) => [id, bare(schema)]));
}

const inline = (schema: ZodSchema, io: 'input' | 'output' = 'output') => bare(z.toJSONSchema(schema, { io, unrepresentable: 'any' }));

/** One query parameter per property of a request's query schema, required unless it has a default or is optional. */
function queryParameters(schema: ZodSchema): JsonSchema[] {
  const json = inline(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: 'query',
    required: json.required?.includes(name) ?? false,
    schema: property,
  }));
}

/** Error statuses, the codes each can carry, and the headers that come with it. */
const ERRORS = {
  400: {
    name: 'BadRequest',
    codes: ['invalid_json', 'validation_failed'],
    text: 'The request is malformed or fails validation; `details` name each field',
  },
  401: { name: 'Unauthorized', codes: ['unauthorized'], text: 'A token is required (or the one sent is not valid)' },
  403: { name: 'Forbidden', codes: ['forbidden'], text: 'The viewer token cannot change anything; use the operator token' },
  404: { name: 'NotFound', codes: ['not_found'], text: 'No such story (or not a story id)' },
  405: {
    name: 'MethodNotAllowed',
    codes: ['method_not_allowed'],
    text: 'The path does not serve this method; `Allow` lists those it does',
  },
  413: { name: 'PayloadTooLarge', codes: ['payload_too_large'], text: 'The body is larger than BODY_LIMIT (refused before it is read)' },
  415: { name: 'UnsupportedMediaType', codes: ['unsupported_media_type'], text: 'The body is not uncompressed UTF-8 JSON' },
  429: {
    name: 'TooManyRequests',
    codes: ['rate_limited'],
    text: 'Rate limited for this client address; retry after `Retry-After` seconds',
  },
  500: { name: 'InternalError', codes: ['internal'], text: 'A fault of the server (logged)' },
  503: {
    name: 'Unavailable',
    codes: ['overloaded', 'unavailable'],
    text: '`overloaded`: admission control (too much work held); `unavailable`: shutting down, or the database is unreachable. Retry after `Retry-After` seconds',
  },
} as const satisfies Record<number, { name: string; codes: readonly [ApiErrorCode, ...ApiErrorCode[]]; text: string }>;
type ErrorStatus = keyof typeof ERRORS;

const integerHeader = (description: string) => ({ description, schema: inline(z.number().int().nonnegative()) });
const stringHeader = (description: string) => ({ description, schema: inline(z.string()) });
const ERROR_HEADERS: Partial<Record<ErrorStatus, Record<string, object>>> = {
  401: { 'WWW-Authenticate': stringHeader('`Bearer realm="storyflow"`') },
  405: { Allow: stringHeader('The methods this path serves') },
  429: {
    'Retry-After': integerHeader('Seconds until a request is admitted again'),
    RateLimit: stringHeader('Remaining budget (IETF draft 8 `RateLimit`)'),
    'RateLimit-Policy': stringHeader('The limit and window (IETF draft 8 `RateLimit-Policy`)'),
  },
  503: { 'Retry-After': integerHeader('Seconds to wait before retrying') },
};

/** Each error status as a component response: the error body, its `code` narrowed to the codes of that status. */
function errorResponses(): Record<string, JsonSchema> {
  return Object.fromEntries(
    (Object.entries(ERRORS) as [string, (typeof ERRORS)[ErrorStatus]][]).map(([status, { name, codes, text }]) => {
      const narrowed = z.looseObject({ error: z.looseObject({ code: ApiErrorCodeSchema.extract(codes) }) });
      const headers = ERROR_HEADERS[Number(status) as ErrorStatus];
      return [
        name,
        {
          description: text,
          ...(headers ? { headers } : {}),
          content: { 'application/json': { schema: { allOf: [{ $ref: schemaRef('Error') }, inline(narrowed)] } } },
        },
      ];
    }),
  );
}

type Guard = 'open' | 'read' | 'mutate';

interface Operation {
  operationId: string;
  summary: string;
  guard: Guard;
  parameters?: JsonSchema[];
  /** Component names of the accepted JSON bodies (one of them). */
  body?: string[];
  ok: { status: 200 | 201; description: string; schema: JsonSchema; type?: string };
  /** Statuses besides those every operation of its kind answers (see `responsesOf`). */
  errors?: ErrorStatus[];
  /** Rate-limited per client address (every mutation is). */
  limited?: boolean;
  /** Responses of its own beyond the success one. */
  also?: Record<number, JsonSchema>;
}

/** What each kind of operation can answer besides its own: tokens, rate limits, body checks, shutdown, faults. */
function responsesOf(op: Operation): Record<string, JsonSchema> {
  const statuses = new Set<ErrorStatus>(op.errors ?? []);
  if (op.guard !== 'open') statuses.add(401);
  if (op.guard === 'mutate') statuses.add(403);
  if (op.limited || op.guard === 'mutate') statuses.add(429);
  if (op.body) [400, 413, 415].forEach((s) => statuses.add(s as ErrorStatus));
  statuses.add(500);
  if (op.guard !== 'open') statuses.add(503);
  const ok = { description: op.ok.description, content: { [op.ok.type ?? 'application/json']: { schema: op.ok.schema } } };
  return {
    [op.ok.status]: ok,
    ...op.also,
    ...Object.fromEntries([...statuses].sort((a, b) => a - b).map((s) => [s, { $ref: `#/components/responses/${ERRORS[s].name}` }])),
  };
}

const SECURITY: Record<Guard, object[]> = {
  open: [],
  read: [{ bearer: ['viewer'] }],
  mutate: [{ bearer: ['operator'] }],
};

function operation(op: Operation): JsonSchema {
  return {
    operationId: op.operationId,
    summary: op.summary,
    security: SECURITY[op.guard],
    ...(op.parameters?.length ? { parameters: op.parameters } : {}),
    ...(op.body
      ? {
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: op.body.length === 1 ? { $ref: schemaRef(op.body[0]!) } : { oneOf: op.body.map((id) => ({ $ref: schemaRef(id) })) },
              },
            },
          },
        }
      : {}),
    responses: responsesOf(op),
  };
}

/** A path: its operations, and OPTIONS, which every path answers with the methods it serves (405 for the others). */
function path(operations: Partial<Record<'get' | 'put' | 'post' | 'delete', Operation>>, parameters: JsonSchema[] = []): JsonSchema {
  const methods = Object.keys(operations).map((m) => m.toUpperCase());
  if (methods.includes('GET')) methods.push('HEAD');
  return {
    description: `Serves ${methods.join(', ')}; any other method answers 405 (\`method_not_allowed\`) with \`Allow\`.`,
    ...(parameters.length ? { parameters } : {}),
    ...Object.fromEntries(Object.entries(operations).map(([method, op]) => [method, operation(op)])),
    options: {
      summary: 'The methods this path serves',
      security: [],
      responses: { 204: { description: 'No content', headers: { Allow: { schema: inline(z.string()) } } } },
    },
  };
}

export function openApiDocument(limits: StoryLimits) {
  const create = createStoryRequestSchemas(limits);
  // Every schema named here is a component, and a `$ref` wherever another one contains it.
  const responseSchemas = {
    StoryId: StoryIdSchema,
    StoryStatus: StoryStatusSchema,
    Task: TaskDtoSchema,
    Story: StoryDtoSchema,
    StorySummary: StorySummaryDtoSchema,
    StoryCounts: StoryCountsDtoSchema,
    StoryList: StoryListDtoSchema,
    DeleteResult: DeleteResultDtoSchema,
    BulkActionResult: BulkActionResultDtoSchema,
    Processing: ProcessingDtoSchema,
    Info: InfoDtoSchema,
    Health: HealthDtoSchema,
    Access: AccessDtoSchema,
    StoryLimits: StoryLimitsSchema,
    StatsSample: StatsSampleSchema,
    InstanceFigures: InstanceFiguresSchema,
    StatsSnapshot: StatsSnapshotSchema,
    StatsHistory: StatsHistorySchema,
    DbMode: DbModeSchema,
    ErrorCode: ApiErrorCodeSchema,
    ErrorDetail: ApiErrorDetailSchema,
    Error: ApiErrorBodySchema,
  } satisfies Record<string, ZodSchema>;
  const requestSchemas = {
    CreateStoryWithTasks: create.explicit,
    CreateStoryGenerated: create.generated,
    LegacyJob: createLegacyJobSchema(limits),
    BulkActionRequest: BulkActionRequestSchema,
    ProcessingRequest: ProcessingRequestSchema,
  } satisfies Record<string, ZodSchema>;
  const ref = (id: keyof typeof responseSchemas) => ({ $ref: schemaRef(id) });
  const idParameter = { name: 'id', in: 'path', required: true, description: 'Story id', schema: inline(StoryIdSchema) };

  return {
    openapi: '3.1.0',
    info: {
      title: 'Storyflow API',
      version: '1.0.0',
      description:
        'Stories of tasks processed by an adaptive worker pool. Errors are `{ "error": { code, message, details } }`. ' +
        'Every path also answers OPTIONS with `Allow`, and 405 for methods it does not serve.',
    },
    paths: {
      '/api/stories': path({
        post: {
          operationId: 'createStory',
          summary: 'Create a story from task estimates, or from a count and an estimate range (201 once persisted)',
          guard: 'mutate',
          body: ['CreateStoryWithTasks', 'CreateStoryGenerated'],
          ok: { status: 201, description: 'The stored story', schema: ref('Story') },
        },
        get: {
          operationId: 'listStories',
          summary: 'List stories, newest first, without their tasks',
          guard: 'read',
          limited: true,
          parameters: queryParameters(ListStoriesQuerySchema),
          ok: { status: 200, description: 'A page of stories, with counts by status', schema: ref('StoryList') },
          errors: [400],
        },
        delete: {
          operationId: 'deleteDoneStories',
          summary: 'Delete every Done story',
          guard: 'mutate',
          parameters: queryParameters(BulkDeleteQuerySchema),
          ok: { status: 200, description: 'How many were deleted', schema: ref('DeleteResult') },
          errors: [400],
        },
      }),
      '/api/stories/bulk': path({
        post: {
          operationId: 'bulkStories',
          summary: 'Delete or rerun up to 100 stories; a failure of one does not stop the others',
          guard: 'mutate',
          body: ['BulkActionRequest'],
          ok: { status: 200, description: 'One result per id, in the order asked', schema: ref('BulkActionResult') },
        },
      }),
      '/api/stories/{id}/rerun': path(
        {
          post: {
            operationId: 'rerunStory',
            summary: 'Create a new story with the same tasks',
            guard: 'mutate',
            ok: { status: 201, description: 'The new story', schema: ref('Story') },
            errors: [404],
          },
        },
        [idParameter],
      ),
      '/api/stories/{id}': path(
        {
          get: {
            operationId: 'getStory',
            summary: 'A story with its tasks and progress',
            guard: 'read',
            limited: true,
            ok: { status: 200, description: 'The story', schema: ref('Story') },
            errors: [404],
          },
          delete: {
            operationId: 'deleteStory',
            summary: "Delete a story (an Open story's waiting tasks are dropped)",
            guard: 'mutate',
            ok: { status: 200, description: '`{ "deleted": 1 }`', schema: ref('DeleteResult') },
            errors: [404],
          },
        },
        [idParameter],
      ),
      '/api/jobs': path({
        post: {
          operationId: 'createLegacyJob',
          summary: "The original Go/React client's job, stored as a story (`externalRef` = its `id`)",
          guard: 'mutate',
          body: ['LegacyJob'],
          ok: { status: 201, description: 'The stored story', schema: ref('Story') },
        },
      }),
      '/api/processing': path({
        get: {
          operationId: 'getProcessing',
          summary: 'Whether processing is paused',
          guard: 'read',
          ok: { status: 200, description: 'The processing state', schema: ref('Processing') },
        },
        put: {
          operationId: 'setProcessing',
          summary: 'Pause (running tasks finish, no new ones start) or resume processing',
          guard: 'mutate',
          body: ['ProcessingRequest'],
          ok: { status: 200, description: 'The new processing state', schema: ref('Processing') },
        },
      }),
      '/api/limits': path({
        get: {
          operationId: 'getLimits',
          summary: 'The request limits this server validates with',
          guard: 'read',
          ok: { status: 200, description: 'The limits', schema: ref('StoryLimits') },
        },
      }),
      '/api/access': path({
        get: {
          operationId: 'getAccess',
          summary: "What the caller's token (or none) allows",
          guard: 'read',
          ok: { status: 200, description: 'The role and which requests need a token', schema: ref('Access') },
        },
      }),
      '/api/info': path({
        get: {
          operationId: 'getInfo',
          summary: 'Database mode, retention, history length, pause state, cluster instance',
          guard: 'read',
          ok: { status: 200, description: 'What this server runs with', schema: ref('Info') },
        },
      }),
      '/api/health': path({
        get: {
          operationId: 'getHealth',
          summary: 'Database mode and state; open to everyone (load balancers, healthchecks)',
          guard: 'open',
          ok: { status: 200, description: 'Healthy', schema: ref('Health') },
          also: { 503: { $ref: '#/components/responses/HealthUnavailable' } },
        },
      }),
      '/api/stats': path({
        get: {
          operationId: 'getStats',
          summary: 'Current figures and the recent per-second history, from memory',
          guard: 'read',
          ok: { status: 200, description: 'Figures, oldest second first', schema: ref('StatsSnapshot') },
        },
      }),
      '/api/stats/history': path({
        get: {
          operationId: 'getStatsHistory',
          summary: 'The persisted per-second figures over a range, bucketed',
          guard: 'read',
          limited: true,
          parameters: queryParameters(StatsHistoryQuerySchema),
          ok: { status: 200, description: 'Buckets, oldest first; a bucket without data is absent', schema: ref('StatsHistory') },
          errors: [400],
        },
      }),
      '/api/openapi.json': path({
        get: {
          operationId: 'getOpenApi',
          summary: 'This document',
          guard: 'read',
          ok: { status: 200, description: 'OpenAPI 3.1', schema: inline(z.looseObject({ openapi: z.string() })) },
        },
      }),
      '/metrics': path({
        get: {
          operationId: 'getMetrics',
          summary: 'Prometheus metrics (scraped from the backend directly; nginx does not expose it)',
          guard: 'read',
          ok: { status: 200, description: 'Prometheus text exposition format', schema: inline(z.string()), type: 'text/plain' },
        },
      }),
    },
    components: {
      schemas: { ...components(responseSchemas, 'output'), ...components(requestSchemas, 'input') },
      responses: {
        ...errorResponses(),
        // /api/health answers 503 with its own body rather than an error.
        HealthUnavailable: {
          description: 'The database is unreachable, or the server is stopping',
          content: { 'application/json': { schema: ref('Health') } },
        },
      },
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description:
            '`Authorization: Bearer <token>`. `operator`: API_TOKEN, needed by every mutation when set. `viewer`: VIEW_TOKEN or ' +
            'API_TOKEN, needed by reads only when VIEW_TOKEN is set. A token that matches neither is refused (401); the viewer ' +
            'token on a mutation is 403. /api/health is open.',
        },
      },
    },
  };
}
