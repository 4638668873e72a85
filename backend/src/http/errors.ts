import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { ApiErrorBody, ApiErrorCode, ApiErrorDetail } from '@storyflow/contracts';
import type { ZodError } from 'zod';
import type { Logger } from '../logger.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly details: ApiErrorDetail[] = [],
  ) {
    super(message);
  }
}

export class NotFoundError extends ApiError {
  constructor(message: string) {
    super(404, 'not_found', message);
  }
}

/** MongoDB cannot be reached: the request may be retried later. */
export class DatabaseUnavailableError extends ApiError {
  constructor(readonly driverError: unknown) {
    super(503, 'unavailable', 'The database is unavailable; try again shortly');
  }
}

export function validationError(error: ZodError, where: 'body' | 'query'): ApiError {
  const details = error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  const summary = details.map((d) => (d.path ? `${d.path}: ${d.message}` : d.message)).join('; ');
  return new ApiError(400, 'validation_failed', `Invalid request ${where}: ${summary}`, details);
}

const body = (code: ApiErrorCode, message: string, details: ApiErrorDetail[] = []): ApiErrorBody => ({
  error: { code, message, details },
});

/** A known path with a method it does not serve: 405 with the methods it does. */
export function methodNotAllowed(allowed: string[]): RequestHandler {
  return (req, res) => {
    if (req.method === 'OPTIONS') {
      res.set('Allow', allowed.join(', ')).status(204).end();
      return;
    }
    res
      .set('Allow', allowed.join(', '))
      .status(405)
      .json(body('method_not_allowed', `${req.method} is not allowed on ${req.baseUrl}${req.path}; use ${allowed.join(', ')}`));
  };
}

export const notFoundHandler: RequestHandler = (req, res) => {
  res.status(404).json(body('not_found', `no route for ${req.method} ${req.path}`));
};

/** One place maps every failure to `{ error }`: client mistakes are 4xx, only our own faults 500. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) return next(err);
    if (err instanceof ApiError) {
      if (err instanceof DatabaseUnavailableError)
        logger.error({ err: err.driverError, method: req.method, url: req.originalUrl }, 'database unavailable');
      res.status(err.status).json(body(err.code, err.message, err.details));
      return;
    }
    // body-parser marks its errors with `type` and a 4xx `status`.
    const e = err as { type?: string; status?: number; message?: string; limit?: number };
    if (e.type === 'entity.parse.failed') {
      res.status(400).json(body('invalid_json', `Malformed JSON body: ${e.message ?? 'cannot parse'}`));
      return;
    }
    if (e.type === 'entity.too.large') {
      res.status(413).json(body('payload_too_large', `Request body is larger than the limit of ${e.limit} bytes`));
      return;
    }
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      // e.g. an unsupported charset (415) or encoding from the body parser
      res.status(e.status).json(body(e.status === 415 ? 'unsupported_media_type' : 'validation_failed', e.message ?? 'Bad request'));
      return;
    }
    if (isDatabaseUnavailable(err)) {
      logger.error({ err, method: req.method, url: req.originalUrl }, 'database unavailable');
      res.status(503).json(body('unavailable', 'The database is unavailable; try again shortly'));
      return;
    }
    logger.error({ err, method: req.method, url: req.originalUrl }, 'unhandled error');
    res.status(500).json(body('internal', 'Internal server error'));
  };
}

/** The driver could not reach MongoDB (whatever error class wraps it): a 503, not our bug. */
export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { name?: string; message?: string };
  const name = e.name ?? '';
  const message = e.message ?? '';
  if (/^Mongo(ose)?(ServerSelection|Network|NetworkTimeout|NotConnected|TopologyClosed)Error$/.test(name)) return true;
  return (
    /^Mongo/.test(name) &&
    /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|timed out|connection .*closed|not connected|must be connected|topology .*closed|server selection/i.test(
      message,
    )
  );
}
