import express from 'express';
import type { z } from 'zod';
import { validationError } from './errors.js';
import { JSON_TYPES } from './body-guard.js';

/** Parses with a schema or throws a 400 whose details name each bad field. */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown, where: 'body' | 'query' | 'headers'): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw validationError(result.error, where);
  return result.data;
}

/** The JSON body parser, after access checks. strict: false lets validation say what the body must be; inflate: false, no bombs. */
export function jsonBody(limit: string) {
  return express.json({ limit, strict: false, inflate: false, type: JSON_TYPES });
}
