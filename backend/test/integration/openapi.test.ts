import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import SwaggerParser from '@apidevtools/swagger-parser';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { Express } from 'express';
import type { StoryDto } from '@storyflow/contracts';
import { waitFor } from '@storyflow/test-support';
import { because } from '../support/because.js';
import { request, type JsonResponse, type Method, type Target } from '../support/http.js';
import { startTestServer } from '../support/test-server.js';

/**
 * The served OpenAPI document: valid OpenAPI 3.1 (the official schema, every `$ref` resolved), complete (every
 * route the express app serves, with its methods, as OPTIONS and 405 confirm), and true: real responses of the
 * real server, successes and errors, match the schemas and headers documented for their status.
 */

interface ResponseObject {
  $ref?: string;
  description?: string;
  headers?: Record<string, unknown>;
  content?: Record<string, { schema: unknown }>;
}
interface OperationObject {
  responses: Record<string, ResponseObject>;
  security?: Record<string, string[]>[];
}
type PathItem = Record<string, unknown>;
interface OpenApiDoc {
  openapi: string;
  paths: Record<string, PathItem>;
  components: { schemas: Record<string, object>; responses: Record<string, ResponseObject> };
}

const OPERATOR = 'openapi-operator-0123456789';
const VIEWER = 'openapi-viewer-0123456789ab';
const operator = { authorization: `Bearer ${OPERATOR}` };
const viewer = { authorization: `Bearer ${VIEWER}` };
const MISSING_ID = '0123456789abcdef01234567';
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

let server: Awaited<ReturnType<typeof startTestServer>>;
let base: Target;
let doc: OpenApiDoc;
let ajv: Ajv2020;

beforeAll(async () => {
  server = await startTestServer({ API_TOKEN: OPERATOR, VIEW_TOKEN: VIEWER, BODY_LIMIT: '16kb', RATE_LIMIT_PER_SEC: '0' });
  base = server.httpServer;
  const res = await request<OpenApiDoc>(base, 'GET', '/api/openapi.json', undefined, viewer);
  expect(res.status).toBe(200);
  doc = res.body;
  // The document itself is the root schema, so the components' `#/components/schemas/…` references resolve.
  // Not strict: the document's own keys (openapi, paths, …) are not JSON Schema keywords.
  ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(doc, 'openapi.json');
});
afterAll(() => server?.stop());

const pointer = (...parts: string[]) => parts.map((p) => `/${p.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');

/** The documented operation for a request, by path template (`/api/stories/{id}`). */
function operationOf(method: Method, template: string): OperationObject {
  const op = doc.paths[template]?.[method.toLowerCase()] as OperationObject | undefined;
  because(`${method} ${template} is documented`, () => expect(op).toBeDefined());
  return op!;
}

/**
 * Asserts that `res` is a documented answer of `method template`: its status is listed, its content type is
 * the documented one, its body validates against the documented schema, and every documented header is set.
 */
function expectDocumented(method: Method, template: string, res: JsonResponse): void {
  const what = `${method} ${template} → ${res.status}`;
  const op = operationOf(method, template);
  let response = op.responses[String(res.status)];
  because(`${what}: the status is documented (documented: ${Object.keys(op.responses).join(', ')})`, () => expect(response).toBeDefined());
  let at = pointer('paths', template, method.toLowerCase(), 'responses', String(res.status));
  if (response!.$ref) {
    at = response!.$ref.slice(1);
    response = doc.components.responses[response!.$ref.split('/').at(-1)!];
  }
  const type = (res.header['content-type'] ?? '').split(';')[0]!;
  because(`${what}: ${type} is a documented content type`, () => expect(Object.keys(response!.content ?? {})).toContain(type));
  const validate = ajv.getSchema(`openapi.json#${at}${pointer('content', type, 'schema')}`) as ValidateFunction | undefined;
  because(`${what}: the schema compiles`, () => expect(validate).toBeDefined());
  const valid = validate!(res.body);
  because(
    `${what}: the body matches the documented schema\n${JSON.stringify(validate!.errors, null, 1)}\n${JSON.stringify(res.body)}`,
    () => expect(valid).toBe(true),
  );
  for (const header of Object.keys(response!.headers ?? {}))
    because(`${what}: documented header ${header}`, () => expect(res.header[header.toLowerCase()]).toBeDefined());
}

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1 (the official schema, every $ref resolved), with valid JSON Schema 2020-12 components', async () => {
    expect(doc.openapi).toBe('3.1.0');
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeDefined();
    const strict = new Ajv2020({ strict: true });
    addFormats(strict);
    for (const [name, schema] of Object.entries(doc.components.schemas))
      because(`components.schemas.${name}: ${JSON.stringify(strict.errors)}`, () => expect(strict.validateSchema(schema)).toBe(true));
    // Every response of every operation has a schema that compiles.
    for (const [template, item] of Object.entries(doc.paths))
      for (const method of HTTP_METHODS) {
        const op = item[method] as OperationObject | undefined;
        for (const [status, response] of Object.entries(op?.responses ?? {})) {
          const at = response.$ref ? response.$ref.slice(1) : pointer('paths', template, method, 'responses', status);
          const resolved = response.$ref ? doc.components.responses[response.$ref.split('/').at(-1)!] : response;
          for (const type of Object.keys(resolved?.content ?? {}))
            because(`${method} ${template} ${status} ${type}`, () =>
              expect(ajv.getSchema(`openapi.json#${at}${pointer('content', type, 'schema')}`)).toBeDefined(),
            );
        }
      }
  });

  it('lists exactly the routes the server serves, with their methods; the health checks are the only open ones', async () => {
    interface Layer {
      name: string;
      rawPath?: string;
      slash?: boolean;
      route?: { path: string; methods: Record<string, boolean> };
      handle: { stack?: Layer[] };
    }
    // The express app behind the server (Socket.IO wraps the server's request listener): express gives each
    // request it handles `req.app`, so one request through the real server hands it over.
    let app: (Express & { router: { stack: Layer[] } }) | undefined;
    const spy = (req: IncomingMessage & { app?: typeof app }, res: ServerResponse) => res.once('finish', () => (app ??= req.app));
    server.httpServer.prependListener('request', spy);
    try {
      expect((await request(base, 'GET', '/api/health')).status).toBe(200);
    } finally {
      server.httpServer.off('request', spy);
    }
    expect(app?.router).toBeDefined();
    const served = new Set<string>();
    const walk = (stack: Layer[], prefix: string) => {
      for (const layer of stack) {
        if (layer.route && typeof layer.route.path === 'string')
          for (const method of Object.keys(layer.route.methods).filter((m) => m !== '_all'))
            served.add(`${method.toUpperCase()} ${prefix}${layer.route.path.replace(/:(\w+)/g, '{$1}')}`);
        else if (layer.handle.stack) walk(layer.handle.stack, layer.slash || !layer.rawPath ? prefix : `${prefix}${layer.rawPath}`);
      }
    };
    walk(app!.router.stack, '');
    const api = [...served].filter((r) => / \/(api\/|metrics$)/.test(r)).sort();
    const documented = Object.entries(doc.paths)
      .flatMap(([template, item]) => HTTP_METHODS.filter((m) => item[m]).map((m) => `${m.toUpperCase()} ${template}`))
      .sort();
    expect(api.length).toBeGreaterThan(15);
    expect(documented).toEqual(api);

    const open = documented.filter((r) => {
      const [method, template] = r.split(' ') as [Method, string];
      return operationOf(method, template).security?.length === 0;
    });
    expect(open).toEqual(['GET /api/health', 'GET /api/health/live']);
  });

  it('answers OPTIONS on each documented path with exactly the documented methods, and a documented 405 for the others', async () => {
    for (const [template, item] of Object.entries(doc.paths)) {
      const path = template.replace('{id}', MISSING_ID);
      const methods = HTTP_METHODS.filter((m) => item[m]).map((m) => m.toUpperCase());
      const options = await request(base, 'OPTIONS', path);
      because(`OPTIONS ${path}`, () => expect(options.status).toBe(204));
      const allow = (options.header['allow'] ?? '').split(/,\s*/).sort();
      because(`Allow on ${path}`, () => expect(allow).toEqual([...methods, ...(methods.includes('GET') ? ['HEAD'] : [])].sort()));
      const other = (['PATCH', 'PUT', 'POST'] as const).find((m) => !methods.includes(m))!;
      const refused = await request(base, other, path, {}, operator);
      because(`${other} ${path}`, () => expect(refused.status).toBe(405));
      because(`${other} ${path}: the documented 405 body`, () => {
        const validate = ajv.getSchema(
          `openapi.json#${pointer('components', 'responses', 'MethodNotAllowed', 'content', 'application/json', 'schema')}`,
        );
        expect(validate!(refused.body)).toBe(true);
      });
    }
  });
});

describe('served responses match the document', () => {
  const call = async (method: Method, path: string, template: string, body?: unknown, headers: Record<string, string> = operator) => {
    const res = await request(base, method, path, body, headers);
    expectDocumented(method, template, res);
    return res;
  };

  it('stories: create (both forms and the legacy job), list, get, rerun, bulk, delete', async () => {
    const explicit = await call('POST', '/api/stories', '/api/stories', { title: 'doc', tasks: [{ estimate: 5 }, { estimate: 8 }] });
    expect(explicit.status).toBe(201);
    const story = explicit.body as StoryDto;
    expect((await call('POST', '/api/stories', '/api/stories', { taskCount: 3, estimateMin: 2, estimateMax: 4 })).status).toBe(201);
    const job = await call('POST', '/api/jobs', '/api/jobs', { id: 7, noOfTasks: 1, completed: false, tasks: [{ id: 1, estimate: 3 }] });
    expect(job.status).toBe(201);
    expect((job.body as StoryDto).externalRef).toBe(7);

    expect((await call('GET', '/api/stories', '/api/stories', undefined, viewer)).status).toBe(200);
    expect((await call('GET', '/api/stories?status=Open&q=doc&page=1&limit=5', '/api/stories', undefined, viewer)).status).toBe(200);
    // While it runs and once Done (start and completion times set), each as documented.
    expect((await call('GET', `/api/stories/${story.id}`, '/api/stories/{id}', undefined, viewer)).status).toBe(200);
    await waitFor(async () => (await request<StoryDto>(base, 'GET', `/api/stories/${story.id}`, undefined, viewer)).body.status === 'Done');
    const finished = await call('GET', `/api/stories/${story.id}`, '/api/stories/{id}', undefined, viewer);
    expect((finished.body as StoryDto).completedAt).not.toBeNull();

    const rerun = await call('POST', `/api/stories/${story.id}/rerun`, '/api/stories/{id}/rerun');
    expect(rerun.status).toBe(201);
    const bulk = await call('POST', '/api/stories/bulk', '/api/stories/bulk', { action: 'rerun', ids: [story.id, MISSING_ID] });
    expect(bulk.body).toMatchObject({
      results: [
        { id: story.id, ok: true },
        { id: MISSING_ID, ok: false },
      ],
    });
    expect((await call('DELETE', `/api/stories/${(rerun.body as StoryDto).id}`, '/api/stories/{id}')).body).toEqual({ deleted: 1 });
    expect((await call('DELETE', '/api/stories?status=Done', '/api/stories')).status).toBe(200);
  });

  it('system: processing, limits, access, info, health, stats, stats history, the document, metrics', async () => {
    expect((await call('GET', '/api/processing', '/api/processing', undefined, viewer)).status).toBe(200);
    expect((await call('PUT', '/api/processing', '/api/processing', { paused: true })).body).toMatchObject({ paused: true });
    expect((await call('PUT', '/api/processing', '/api/processing', { paused: false })).body).toMatchObject({ paused: false });
    for (const path of ['/api/limits', '/api/access', '/api/info', '/api/stats', '/api/openapi.json', '/metrics'])
      expect((await call('GET', path, path, undefined, viewer)).status).toBe(200);
    expect((await call('GET', '/api/access', '/api/access')).body).toMatchObject({ role: 'operator' });
    expect((await call('GET', '/api/health', '/api/health', undefined, {})).status).toBe(200);
    const ranges = (
      operationOf('GET', '/api/stats/history') as OperationObject & { parameters: { name: string; schema: { enum: string[] } }[] }
    ).parameters[0]!.schema.enum;
    expect(ranges.length).toBeGreaterThan(0);
    for (const range of ranges)
      expect((await call('GET', `/api/stats/history?range=${range}`, '/api/stats/history', undefined, viewer)).status).toBe(200);
  });

  it('errors: 400, 401, 403, 404, 413, 415, with their documented bodies and headers', async () => {
    const bad = await call('POST', '/api/stories', '/api/stories', { tasks: [{ estimate: -1 }] });
    expect(bad.status).toBe(400);
    expect((await call('POST', '/api/stories', '/api/stories', '{"tasks": [', operator)).status).toBe(400);
    expect((await call('GET', '/api/stories?limit=1000', '/api/stories', undefined, viewer)).status).toBe(400);
    expect((await call('GET', '/api/stats/history?range=1y', '/api/stats/history', undefined, viewer)).status).toBe(400);
    expect((await call('DELETE', '/api/stories', '/api/stories')).status).toBe(400);
    expect((await call('GET', '/api/stories', '/api/stories', undefined, {})).status).toBe(401);
    expect((await call('GET', '/api/info', '/api/info', undefined, { authorization: 'Bearer not-a-token-of-ours' })).status).toBe(401);
    expect((await call('POST', '/api/stories', '/api/stories', { tasks: [{ estimate: 5 }] }, {})).status).toBe(401);
    expect((await call('PUT', '/api/processing', '/api/processing', { paused: true }, viewer)).status).toBe(403);
    expect((await call('DELETE', `/api/stories/${MISSING_ID}`, '/api/stories/{id}', undefined, viewer)).status).toBe(403);
    expect((await call('GET', `/api/stories/${MISSING_ID}`, '/api/stories/{id}', undefined, viewer)).status).toBe(404);
    expect((await call('POST', `/api/stories/${MISSING_ID}/rerun`, '/api/stories/{id}/rerun')).status).toBe(404);
    expect((await call('POST', '/api/stories', '/api/stories', { tasks: [{ estimate: 5 }], pad: 'x'.repeat(20_000) })).status).toBe(413);
    expect((await call('POST', '/api/jobs', '/api/jobs', 'id=1', { ...operator, 'content-type': 'text/plain' })).status).toBe(415);
  });

  it('errors: 429 (rate limited) and 503 (overloaded), with Retry-After and the RateLimit headers', async () => {
    const limited = await startTestServer({ RATE_LIMIT_PER_SEC: '1', RATE_LIMIT_BURST: '2', MAX_TASKS: '10', MAX_OPEN_TASKS: '10' });
    try {
      const post = async (tasks: number) => {
        const res = await request(limited.httpServer, 'POST', '/api/stories', {
          tasks: Array.from({ length: tasks }, () => ({ estimate: 60_000 })),
        });
        expectDocumented('POST', '/api/stories', res);
        return res;
      };
      // 10 tasks of a minute fill admission control; the next story is refused, then the burst is spent.
      expect((await post(10)).status).toBe(201);
      const overloaded = await post(1);
      expect(overloaded.status).toBe(503);
      expect(overloaded.body).toMatchObject({ error: { code: 'overloaded' } });
      expect((await post(1)).status).toBe(429);
    } finally {
      await limited.stop();
    }
  });
});
