import { z } from 'zod';
import {
  AccessDtoSchema,
  ApiErrorBodySchema,
  ApiErrorCodeSchema,
  ApiErrorDetailSchema,
  BulkActionResultDtoSchema,
  DbModeSchema,
  DeleteResultDtoSchema,
  HealthDtoSchema,
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENCY_WINDOW_SEC,
  IDEMPOTENT_REPLAYED_HEADER,
  IdempotencyKeySchema,
  InfoDtoSchema,
  InstanceFiguresSchema,
  ProcessingDtoSchema,
  StatsSampleSchema,
  StatsHistorySchema,
  StatsSnapshotSchema,
  StoryDtoSchema,
  StoryIdSchema,
  StoryCountsDtoSchema,
  StoryLimitsSchema,
  StoryListDtoSchema,
  StoryStatusSchema,
  StorySummaryDtoSchema,
  TaskDtoSchema,
} from '@storyflow/contracts';
import { components, inline, queryParameters, schemaRef, type JsonSchema, type ZodSchema } from './json-schema.js';
import { errorResponseRef, errorResponses } from './openapi-errors.js';
import { byPath, statusesOf, type Answer, type Role, type RouteDecl, type RouteTable } from './route.js';

/** The OpenAPI 3.1 document, derived from the route table and its zod schemas so it cannot drift from what the server does. */

/** Every schema named here is a component, and a `$ref` wherever another one (or a route's answer) uses it. */
const RESPONSE_SCHEMAS = {
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
const NAMES = new Map<ZodSchema, string>(Object.entries(RESPONSE_SCHEMAS).map(([id, schema]) => [schema, id]));

const SECURITY: Record<Role, object[]> = {
  none: [],
  viewer: [{ bearer: ['viewer'] }],
  operator: [{ bearer: ['operator'] }],
};

function answer(decl: RouteDecl, { description, schema, contentType }: Answer): JsonSchema {
  const name = NAMES.get(schema);
  const headers = Object.entries(decl.headers ?? {}).map(([header, value]) => [
    header,
    { description: `\`${value}\``, schema: inline(z.string()) },
  ]);
  return {
    description,
    ...(headers.length ? { headers: Object.fromEntries(headers) } : {}),
    content: { [contentType ?? 'application/json']: { schema: name ? { $ref: schemaRef(name) } : inline(schema) } },
  };
}

function requestBody(body: NonNullable<RouteDecl['body']>): JsonSchema {
  const refs = Object.keys(body.schemas).map((id) => ({ $ref: schemaRef(id) }));
  return { required: true, content: { 'application/json': { schema: refs.length === 1 ? refs[0] : { oneOf: refs } } } };
}

/** The header an idempotent create takes, and the answer to its replay. */
function idempotency(decl: RouteDecl): { parameters: JsonSchema[]; also: [string, JsonSchema][] } {
  if (!decl.idempotent) return { parameters: [], also: [] };
  const description =
    `A key of the client's own (a UUID, say): sending the same request again with it within ${IDEMPOTENCY_WINDOW_SEC / 3600} h ` +
    'returns what the first one created (200), never a second story, whichever instance answers; another request with it is a 422.';
  const replay = answer(decl, { ...decl.ok, description: 'Sent before with this key: what that request created, as it is now' });
  return {
    parameters: [
      { name: IDEMPOTENCY_KEY_HEADER, in: 'header', required: false, description, schema: inline(IdempotencyKeySchema, 'input') },
    ],
    also: [['200', { ...replay, headers: { [IDEMPOTENT_REPLAYED_HEADER]: { description: '`true`', schema: inline(z.string()) } } }]],
  };
}

function operation(operationId: string, decl: RouteDecl): JsonSchema {
  const idempotent = idempotency(decl);
  const parameters = [...(decl.query ? queryParameters(decl.query) : []), ...idempotent.parameters];
  const also = [...Object.entries(decl.also ?? {}).map(([status, other]) => [status, answer(decl, other!)]), ...idempotent.also];
  return {
    operationId,
    summary: decl.summary,
    security: SECURITY[decl.role],
    ...(parameters.length ? { parameters } : {}),
    ...(decl.body ? { requestBody: requestBody(decl.body) } : {}),
    responses: {
      [decl.ok.status]: answer(decl, decl.ok),
      ...Object.fromEntries(also),
      ...Object.fromEntries(statusesOf(decl).map((s) => [s, errorResponseRef(s)])),
    },
  };
}

/** A path: its operations, and OPTIONS, which every path answers with the methods it serves (405 for the others). */
function pathItem(operations: [string, RouteDecl][]): JsonSchema {
  const methods = operations.map(([, decl]) => decl.method.toUpperCase());
  if (methods.includes('GET')) methods.push('HEAD');
  const params = operations.find(([, decl]) => decl.params)?.[1].params ?? {};
  const parameters = Object.entries(params).map(([name, { description, schema }]) => ({
    name,
    in: 'path',
    required: true,
    description,
    schema: inline(schema, 'input'),
  }));
  return {
    description: `Serves ${methods.join(', ')}; any other method answers 405 (\`method_not_allowed\`) with \`Allow\`.`,
    ...(parameters.length ? { parameters } : {}),
    ...Object.fromEntries(operations.map(([id, decl]) => [decl.method, operation(id, decl)])),
    options: {
      summary: 'The methods this path serves',
      security: [],
      responses: { 204: { description: 'No content', headers: { Allow: { schema: inline(z.string()) } } } },
    },
  };
}

/** `/api/stories/:id` as OpenAPI writes it: `/api/stories/{id}`. */
const template = (path: string) => path.replace(/:(\w+)/g, '{$1}');

export function openApiDocument(table: RouteTable) {
  const requestSchemas = Object.assign({}, ...Object.values(table).map((decl) => decl.body?.schemas ?? {})) as Record<string, ZodSchema>;
  return {
    openapi: '3.1.0',
    info: {
      title: 'Storyflow API',
      version: '1.0.0',
      description:
        'Stories of tasks processed by an adaptive worker pool. Errors are `{ "error": { code, message, details } }`. ' +
        'Every path also answers OPTIONS with `Allow`, and 405 for methods it does not serve.',
    },
    paths: Object.fromEntries([...byPath(table)].map(([path, operations]) => [template(path), pathItem(operations)])),
    components: {
      schemas: { ...components(RESPONSE_SCHEMAS, 'output'), ...components(requestSchemas, 'input') },
      responses: errorResponses(),
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
