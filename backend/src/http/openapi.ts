import { z } from 'zod';
import { createLegacyJobSchema, createStoryRequestSchemas, ListStoriesQuerySchema, type StoryLimits } from '@storyflow/contracts';

/**
 * OpenAPI 3.1 description of the REST API, generated from the same zod schemas that validate the
 * requests, so the document cannot drift from what the server accepts.
 */
export function openApiDocument(limits: StoryLimits) {
  const json = (schema: z.ZodType) => {
    const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
    return rest;
  };
  const create = createStoryRequestSchemas(limits);
  const listQuery = json(ListStoriesQuerySchema) as { properties: Record<string, object> };
  const error = { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  const ok = (description: string) => ({ description, content: { 'application/json': { schema: { type: 'object' } } } });
  const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9a-f]{24}$' } };
  return {
    openapi: '3.1.0',
    info: { title: 'Storyflow API', version: '1.0.0' },
    paths: {
      '/api/stories': {
        post: {
          summary: 'Create a story (201 once persisted)',
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { oneOf: [json(create.explicit), json(create.generated)] } } },
          },
          responses: { 201: ok('The stored story'), 400: error, 413: error, 415: error, 503: error },
        },
        get: {
          summary: 'List stories, newest first',
          parameters: Object.entries(listQuery.properties).map(([name, schema]) => ({ name, in: 'query', schema })),
          responses: { 200: ok('{ items, total, page, limit }'), 400: error },
        },
        delete: {
          summary: 'Delete all Done stories',
          parameters: [{ name: 'status', in: 'query', required: true, schema: { const: 'Done' } }],
          responses: { 200: ok('{ deleted }'), 400: error },
        },
      },
      '/api/stories/{id}': {
        get: { summary: 'A story with its tasks', parameters: [idParam], responses: { 200: ok('The story'), 404: error } },
        delete: { summary: 'Delete a story', parameters: [idParam], responses: { 200: ok('{ deleted: 1 }'), 404: error } },
      },
      '/api/jobs': {
        post: {
          summary: "The original Go/React client's job, stored as a story",
          requestBody: { required: true, content: { 'application/json': { schema: json(createLegacyJobSchema(limits)) } } },
          responses: { 201: ok('The stored story'), 400: error },
        },
      },
      '/api/limits': { get: { summary: 'The request limits this server validates with', responses: { 200: ok('StoryLimits') } } },
      '/api/stats': { get: { summary: 'Current figures and the recent per-second history', responses: { 200: ok('{ now, history }') } } },
      '/api/health': { get: { summary: 'Database mode and state', responses: { 200: ok('Healthy'), 503: ok('Unavailable') } } },
    },
    components: {
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message', 'details'],
              properties: {
                code: { type: 'string' },
                message: { type: 'string' },
                details: {
                  type: 'array',
                  items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } },
                },
              },
            },
          },
        },
      },
    },
  };
}
