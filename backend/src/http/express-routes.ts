import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { IDEMPOTENCY_KEY_HEADER, IdempotencyKeySchema } from '@storyflow/contracts';
import { requireJson } from './body-guard.js';
import { methodNotAllowed } from './errors.js';
import { byPath, Reply, type Handlers, type HandlerInput, type RateClass, type RouteDecl, type RouteTable } from './route.js';
import type { AuditedEntry } from './endpoints.js';
import type { StoryBudget } from './story-budget.js';
import { jsonBody, parseWith } from './validate.js';

/** The middleware the table's declarations name. */
export interface RouteGuards {
  /** By role (`none` needs none): requireRead, requireOperator. */
  viewer: RequestHandler;
  operator: RequestHandler;
  /** Per client address, by budget. */
  rateLimits: Record<RateClass, RequestHandler>;
  /** Refuses (503) when there is no room for another story. */
  roomForStory: RequestHandler;
  bodyLimit: string;
  /** Charges a request's stories (routes declaring `stories`). */
  storyBudget: StoryBudget;
  /** CORS for the routes declared `crossOrigin`, given the methods of the path; none: same-origin only. */
  crossOrigin?: (methods: string[]) => RequestHandler;
  /** Records the routes declared `audit`, once answered. */
  audit: (entry: AuditedEntry) => void;
}

type AnyHandler = (input: HandlerInput<RouteDecl>) => unknown;

const API = '/api';

/**
 * The express routes of a table (`api`: under /api, relative to it; `root`: the rest). Each runs rate limit, access, room, body
 * guards, schema, handler, in that order; every path answers other methods with 405 and `Allow` (OPTIONS: 204).
 */
export function tableRouters<T extends RouteTable>(table: T, handlers: Handlers<T>, guards: RouteGuards): { api: Router; root: Router } {
  const routers = { api: Router(), root: Router() };
  for (const [path, operations] of byPath(table)) {
    const underApi = path.startsWith(`${API}/`);
    const router = underApi ? routers.api : routers.root;
    const at = underApi ? path.slice(API.length) : path;
    const methods = operations.map(([, decl]) => decl.method.toUpperCase());
    if (guards.crossOrigin && operations.some(([, decl]) => decl.crossOrigin)) router.use(at, guards.crossOrigin(methods));
    const route = router.route(at);
    for (const [id, decl] of operations)
      route[decl.method](...guardsOf(decl, guards), endpoint(decl, handlers[id] as unknown as AnyHandler, guards.storyBudget));
    route.all(methodNotAllowed(methods));
  }
  return routers;
}

function guardsOf(decl: RouteDecl, guards: RouteGuards): RequestHandler[] {
  return [
    ...(decl.rateLimit ? [guards.rateLimits[decl.rateLimit]] : []),
    ...(decl.role === 'none' ? [] : [guards[decl.role]]),
    ...(decl.audit ? [audited(decl.audit, guards.audit)] : []),
    ...(decl.roomForStory ? [guards.roomForStory] : []),
    // An unauthorised body is never read.
    ...(decl.body ? [requireJson, jsonBody(guards.bodyLimit)] : []),
  ];
}

/**
 * After access is granted: the action is recorded once its answer is sent, whatever it was (a 404 or a 503
 * too), with what it touched: from the request, and from the answer when it succeeded.
 */
function audited(describe: NonNullable<RouteDecl['audit']>, record: RouteGuards['audit']): RequestHandler {
  return function recordWhenAnswered(req, res, next) {
    // Read now: a route's params are gone once an error has left its router.
    const params = { ...req.params } as Record<string, string>;
    res.once('finish', () => {
      const answer: unknown = res.statusCode < 400 ? res.locals.answer : undefined;
      const action = describe({ params, header: (name) => req.get(name), body: req.body as unknown, answer });
      if (action) record({ ...action, token: req.get('authorization') !== undefined, client: req.ip ?? 'unknown', status: res.statusCode });
    });
    next();
  };
}

function endpoint(decl: RouteDecl, handler: AnyHandler, budget: StoryBudget): RequestHandler {
  const { body } = decl;
  const handle: RequestHandler = async (req, res) => {
    const input = {
      params: req.params,
      query: decl.query ? parseWith(decl.query, req.query, 'query') : undefined,
      body: body ? parseWith(body.pick?.(req.body) ?? Object.values(body.schemas)[0]!, req.body, 'body') : undefined,
      authorization: req.get('authorization'),
      idempotencyKey: decl.idempotent ? idempotencyKeyOf(req) : undefined,
    } as HandlerInput<RouteDecl>;
    if (decl.stories) await budget(req, decl.stories(input.body));
    send(res, decl, await handler(input));
  };
  return handle;
}

const IdempotencyHeaderSchema = z.object({ [IDEMPOTENCY_KEY_HEADER]: IdempotencyKeySchema });

/** The request's Idempotency-Key, validated (a 400 naming the header), or undefined when it sent none. */
function idempotencyKeyOf(req: Request): string | undefined {
  const key = req.get(IDEMPOTENCY_KEY_HEADER);
  return key === undefined
    ? undefined
    : parseWith(IdempotencyHeaderSchema, { [IDEMPOTENCY_KEY_HEADER]: key }, 'headers')[IDEMPOTENCY_KEY_HEADER];
}

function send(res: Response, decl: RouteDecl, result: unknown): void {
  const answer = result instanceof Reply ? result : new Reply(decl.ok.status, result);
  res.status(answer.status).set({ ...decl.headers, ...answer.headers });
  if (decl.audit) {
    const body: unknown = answer.body;
    res.locals.answer = body;
  }
  const declared = answer.status === decl.ok.status ? decl.ok : decl.also?.[answer.status];
  if ((declared?.contentType ?? 'application/json') === 'application/json') res.json(answer.body);
  else res.send(answer.body);
}
