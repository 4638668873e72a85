import type { Request, RequestHandler } from 'express';
import type { z } from 'zod';
import { ApiError, validationError } from './errors.js';

/** Parses with a schema or throws a 400 whose details name each bad field. */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown, where: 'body' | 'query'): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw validationError(result.error, where);
  return result.data;
}

/** JSON bodies only: anything else is a 415 that says so, not a confusing "field missing". */
export const JSON_TYPES = ['application/json', 'application/*+json'];

export const requireJson: RequestHandler = (req: Request, _res, next) => {
  if (!req.is(JSON_TYPES)) {
    next(new ApiError(415, 'unsupported_media_type', `Content-Type must be application/json (got ${req.get('content-type') ?? 'none'})`));
    return;
  }
  next();
};
