import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { ApiErrorBody, ApiErrorCode, ApiErrorDetail } from '@storyflow/contracts';
import type { ZodError } from 'zod';
import { isDatabaseUnavailable } from '../db/db-errors.js';
import type { Logger } from '../logger.js';
import {
  CoordinationUnavailableError,
  DatabaseUnavailableError,
  IdempotencyKeyReusedError,
  StoryPurgedError,
  NotFoundError,
  OverloadedError,
  UnavailableError,
} from '../shared/errors.js';

/** An HTTP-level refusal raised by this layer itself (validation, auth, media type…). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly details: ApiErrorDetail[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function validationError(error: ZodError, where: 'body' | 'query' | 'headers' | 'story'): ApiError {
  const details = error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  const summary = details.map((d) => (d.path ? `${d.path}: ${d.message}` : d.message)).join('; ');
  return new ApiError(400, 'validation_failed', `Invalid request ${where}: ${summary}`, details);
}

export const errorBody = (code: ApiErrorCode, message: string, details: ApiErrorDetail[] = []): ApiErrorBody => ({
  error: { code, message, details },
});

/** A known path with a method it does not serve: 405 with the methods it does (OPTIONS answers them). */
export function methodNotAllowed(allowed: string[]): RequestHandler {
  const allow = allowed.includes('GET') && !allowed.includes('HEAD') ? [...allowed, 'HEAD'] : allowed;
  return (req, res) => {
    res.set('Allow', allow.join(', '));
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    res
      .status(405)
      .json(errorBody('method_not_allowed', `${req.method} is not allowed on ${req.baseUrl}${req.path}; use ${allow.join(', ')}`));
  };
}

export const notFoundHandler: RequestHandler = (req, res) => {
  res.status(404).json(errorBody('not_found', `no route for ${req.method} ${req.path}`));
};

/** Domain errors to statuses: the one place that knows both. */
export function fromDomain(err: unknown): ApiError | null {
  if (err instanceof ApiError) return err;
  if (err instanceof NotFoundError) return new ApiError(404, 'not_found', err.message);
  if (err instanceof IdempotencyKeyReusedError) return new ApiError(422, 'idempotency_key_reused', err.message);
  if (err instanceof StoryPurgedError) return new ApiError(410, 'purged', err.message);
  if (err instanceof OverloadedError) return new ApiError(503, 'overloaded', err.message, [], { 'Retry-After': String(err.retryAfterSec) });
  if (err instanceof UnavailableError) return new ApiError(503, 'unavailable', err.message, [], { 'Retry-After': '5' });
  if (err instanceof CoordinationUnavailableError) return new ApiError(503, 'unavailable', err.message, [], { 'Retry-After': '2' });
  if (err instanceof DatabaseUnavailableError || isDatabaseUnavailable(err))
    return new ApiError(503, 'unavailable', 'The database is unavailable; try again shortly', [], { 'Retry-After': '5' });
  // body-parser marks its errors with `type` and a 4xx `status`.
  const e = err as { type?: string; status?: number; message?: string; limit?: number };
  if (e.type === 'entity.parse.failed') return new ApiError(400, 'invalid_json', `Malformed JSON body: ${e.message ?? 'cannot parse'}`);
  if (e.type === 'entity.too.large')
    return new ApiError(413, 'payload_too_large', `Request body is larger than the limit of ${e.limit} bytes`);
  if (e.type === 'charset.unsupported' || e.type === 'encoding.unsupported')
    return new ApiError(415, 'unsupported_media_type', e.message ?? 'Unsupported body encoding');
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500)
    return new ApiError(e.status, e.status === 415 ? 'unsupported_media_type' : 'validation_failed', e.message ?? 'Bad request');
  return null;
}

/** One place maps every failure to `{ error }`: client mistakes are 4xx, only our own faults 500. */
export function errorHandler(logger: Logger, refused: (code: string) => void = () => {}): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) return next(err);
    const known = fromDomain(err);
    if (known) {
      refused(known.code);
      // Debug only: an outage fails every request, and the health check logs the outage itself.
      if (known.status === 503 && known.code === 'unavailable' && !(err instanceof ApiError))
        logger.debug({ err: err instanceof Error && err.cause ? err.cause : err, method: req.method, path: req.path }, known.message);
      res
        .status(known.status)
        .set(known.headers)
        .json(errorBody(known.code, known.message, known.details));
      return;
    }
    logger.error({ err, method: req.method, path: req.path }, 'unhandled error');
    res.status(500).json(errorBody('internal', 'Internal server error'));
  };
}
