import { describe, expect, it } from '@jest/globals';
import type { RequestHandler } from 'express';
import { DEFAULT_STORY_LIMITS } from '@storyflow/contracts';
import { apiRoutes } from '../../src/http/api-routes.js';
import { tableRouters } from '../../src/http/express-routes.js';
import { openApiDocument } from '../../src/http/openapi.js';
import { byPath, pathsServedWhileStopping, statusesOf, type RouteDecl } from '../../src/http/route.js';
import type { Handlers } from '../../src/http/route.js';

const table = apiRoutes(DEFAULT_STORY_LIMITS);
const routes = Object.entries(table) as [string, RouteDecl][];

describe('the route table', () => {
  it('declares each method and path once', () => {
    const keys = routes.map(([, r]) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('rate-limits every change, and lets only the health checks through without a token or during shutdown', () => {
    for (const [id, r] of routes)
      if (r.role === 'operator') expect([id, r.rateLimit]).toEqual([id, r.method === 'get' ? 'reads' : 'changes']);
    expect(routes.filter(([, r]) => r.role === 'none').map(([id]) => id)).toEqual(['getHealth', 'getLiveness']);
    expect([...pathsServedWhileStopping(table)]).toEqual(['/api/health', '/api/health/live']);
  });

  it('derives the statuses each route can answer from its role, budget, body and idempotency key', () => {
    expect(statusesOf(table.getHealth)).toEqual([500]);
    expect(statusesOf(table.getStats)).toEqual([401, 500, 503]);
    expect(statusesOf(table.listStories)).toEqual([400, 401, 429, 500, 503]);
    expect(statusesOf(table.getStory)).toEqual([401, 404, 429, 500, 503]);
    expect(statusesOf(table.createStory)).toEqual([400, 401, 403, 410, 413, 415, 422, 429, 500, 503]);
  });

  it('puts /api/stories/bulk before /api/stories/:id, which would otherwise answer it with 405', () => {
    const paths = [...byPath(table).keys()];
    expect(paths.indexOf('/api/stories/bulk')).toBeLessThan(paths.indexOf('/api/stories/:id'));
  });

  it('is what the OpenAPI document describes, path by path and method by method', () => {
    const doc = openApiDocument(table);
    const documented = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item as Record<string, { operationId?: string }>).flatMap(([method, op]) =>
        op.operationId ? [`${method} ${path} ${op.operationId}`] : [],
      ),
    );
    const declared = routes.map(([id, r]) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')} ${id}`);
    expect(documented.sort()).toEqual(declared.sort());
  });
});

describe('the express routes derived from it', () => {
  const named = (name: string): RequestHandler =>
    Object.defineProperty(((_req, _res, next) => next()) as RequestHandler, 'name', { value: name });
  const guards = {
    viewer: named('viewer'),
    operator: named('operator'),
    rateLimits: { changes: named('changes'), reads: named('reads') },
    roomForStory: named('roomForStory'),
    bodyLimit: '1kb',
    storyBudget: async () => {},
    audit: () => {},
  };
  const handlers = new Proxy({}, { get: () => () => ({}) }) as Handlers<typeof table>;
  const routers = tableRouters(table, handlers, guards);
  interface Layer {
    route?: { path: string; stack: { method?: string; handle: { name: string } }[] };
  }
  const chain = (path: string, method: string) => {
    const stack = (routers.api as unknown as { stack: Layer[] }).stack;
    const route = stack.find((l) => l.route?.path === path)!.route!;
    return route.stack.filter((l) => l.method === method).map((l) => l.handle.name);
  };

  it('runs the guards in order: rate limit, access, room for a story, body guards, then the handler', () => {
    expect(chain('/stories', 'post')).toEqual([
      'changes',
      'operator',
      'recordWhenAnswered',
      'roomForStory',
      'requireJson',
      'jsonParser',
      'handle',
    ]);
    expect(chain('/stories', 'get')).toEqual(['reads', 'viewer', 'handle']);
    expect(chain('/processing', 'get')).toEqual(['viewer', 'handle']);
    expect(chain('/health', 'get')).toEqual(['handle']);
    // An operator action is recorded once access is granted (a refused caller did nothing to record).
    expect(chain('/stories/:id', 'delete')).toEqual(['changes', 'operator', 'recordWhenAnswered', 'handle']);
    expect(chain('/processing', 'put')).toEqual(['changes', 'operator', 'recordWhenAnswered', 'requireJson', 'jsonParser', 'handle']);
  });

  it('mounts /metrics outside /api', () => {
    const stack = (routers.root as unknown as { stack: Layer[] }).stack;
    expect(stack.map((l) => l.route?.path)).toEqual(['/metrics']);
  });
});
