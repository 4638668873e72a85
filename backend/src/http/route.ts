import type { z } from 'zod';
import type { AuditAction, AuditEntryDto } from '@storyflow/contracts';
import type { ErrorStatus } from './openapi-errors.js';

/** One route of the table (api-routes.ts), declared once: express-routes.ts and openapi.ts derive from it; route-handlers.ts acts. */

/** Requests are validated with zod's classic schemas; answers may be any zod schema (some are zod mini). */
type Schema = z.ZodType;
type AnySchema = z.core.$ZodType;

/** Who may call it: anyone; a reader (the viewer or operator token when VIEW_TOKEN is set); the operator (API_TOKEN). */
export type Role = 'none' | 'viewer' | 'operator';
/** Which per-address budget it spends (rate-limit.ts): changes, or the database-backed reads (five times larger). */
export type RateClass = 'changes' | 'reads';
export type HttpMethod = 'get' | 'put' | 'post' | 'delete';

export interface Answer {
  description: string;
  schema: AnySchema;
  /** Default `application/json`. */
  contentType?: string;
}

export interface RouteDecl {
  method: HttpMethod;
  /** Express syntax (`/api/stories/:id`); the document writes it `/api/stories/{id}`. */
  path: string;
  summary: string;
  role: Role;
  rateLimit?: RateClass;
  /** Refused with 503 before the body is read when the server has no room for another story (admission control). */
  roomForStory?: boolean;
  /** Stories the request creates, charged against the caller's story budget once its body is parsed (see story-budget.ts). */
  stories?: (body: unknown) => number;
  /** Answers while the server shuts down (every other route is a 503 then). */
  servedWhileStopping?: boolean;
  /** Callable from the browser origins in LEGACY_CORS_ORIGINS (the original client). */
  crossOrigin?: boolean;
  /** Takes an `Idempotency-Key` (400 if malformed): a replay answers 200, `Idempotent-Replayed: true`; another request 422. */
  idempotent?: boolean;
  /** Path parameters, documented only: the handler gets them as sent (a malformed story id is the service's 404). */
  params?: Record<string, { description: string; schema: Schema }>;
  /** Validated (400 on failure) after the guards; the handler gets the parsed value. */
  query?: Schema;
  /** A JSON body (415, 413, 400), read after the guards; named as components, `pick` choosing among several. */
  body?: { schemas: Record<string, Schema>; pick?: (body: unknown) => Schema };
  ok: Answer & { status: 200 | 201 };
  /** Answers of its own besides `ok` (a handler picks one with `reply`). */
  also?: Partial<Record<number, Answer>>;
  /** Error statuses besides those its role, rate limit, body and the shutdown gate imply (see `statusesOf`). */
  errors?: ErrorStatus[];
  /** Headers every answer of the handler carries (not the errors). */
  headers?: Record<string, string>;
  /** An operator action: recorded in the audit log once answered (refused or failed too), with what it touched; null: not this one. */
  audit?: (call: AuditedCall) => AuditedAction | null;
}

/** What an audited route was asked (parsed) and answered (its body on success, else undefined). */
export interface AuditedCall {
  params: Record<string, string>;
  header: (name: string) => string | undefined;
  body: unknown;
  answer: unknown;
}

/** An action and what it touched, as the audit log records it. */
export interface AuditedAction {
  action: AuditAction;
  target: AuditEntryDto['target'];
}

export type RouteTable = Record<string, RouteDecl>;

/** A handler's answer other than the plain `ok` one: another status, or headers of its own. */
export class Reply<T> {
  constructor(
    readonly status: number,
    readonly body: T,
    readonly headers: Record<string, string> = {},
  ) {}
}
export const reply = <T>(status: number, body: T, headers: Record<string, string> = {}) => new Reply(status, body, headers);

type Out<S> = S extends AnySchema ? z.output<S> : undefined;
type Values<M> = M[keyof M];
type BodyOf<R> = R extends { body: { schemas: infer M } } ? Out<Values<M>> : undefined;
type QueryOf<R> = R extends { query: infer Q } ? Out<Q> : undefined;
type ParamsOf<R> = R extends { params: infer P } ? Record<keyof P & string, string> : Record<string, never>;
type ResultOf<R> = R extends { ok: { schema: infer S } } ? Out<S> : never;

/** What a handler gets: the raw path parameters, and the query and body already parsed by the route's schemas. */
export interface HandlerInput<R> {
  params: ParamsOf<R>;
  query: QueryOf<R>;
  body: BodyOf<R>;
  /** The Authorization header (the access route reports the caller's role). */
  authorization: string | undefined;
  /** The validated Idempotency-Key header, on the routes declared `idempotent`. */
  idempotencyKey: string | undefined;
}
type Result<R> = ResultOf<R> | Reply<ResultOf<R>>;
export type Handler<R> = (input: HandlerInput<R>) => Result<R> | Promise<Result<R>>;
/** One handler per route of the table, each typed by its declaration. */
export type Handlers<T extends RouteTable> = { [K in keyof T]: Handler<T[K]> };

/** The table's operations grouped by path, paths and operations in table order. */
export function byPath(table: RouteTable): Map<string, [string, RouteDecl][]> {
  const paths = new Map<string, [string, RouteDecl][]>();
  for (const [id, decl] of Object.entries(table)) paths.set(decl.path, [...(paths.get(decl.path) ?? []), [id, decl]]);
  return paths;
}

/** Paths that keep answering while the server shuts down (compared with `req.path`, so literal paths only). */
export const pathsServedWhileStopping = (table: RouteTable): Set<string> =>
  new Set(Object.values(table).flatMap((decl) => (decl.servedWhileStopping ? [decl.path] : [])));

/** The statuses a route can answer, derived from its declaration (what the document lists). */
export function statusesOf(route: RouteDecl): ErrorStatus[] {
  const statuses = new Set<ErrorStatus>(route.errors ?? []);
  if (route.role !== 'none') statuses.add(401);
  if (route.role === 'operator') statuses.add(403);
  if (route.rateLimit || route.stories) statuses.add(429);
  if (route.body) [400, 413, 415].forEach((s) => statuses.add(s as ErrorStatus));
  if (route.idempotent) [400, 422].forEach((s) => statuses.add(s as ErrorStatus));
  statuses.add(500);
  if (!route.servedWhileStopping) statuses.add(503);
  return [...statuses].sort((a, b) => a - b);
}
