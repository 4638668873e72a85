import { z } from 'zod';
import { ApiErrorCodeSchema, type ApiErrorCode } from '@storyflow/contracts';
import { inline, schemaRef, type JsonSchema } from './json-schema.js';

/** Error statuses, the codes each can carry, and the headers that come with it. */
const ERRORS = {
  400: {
    name: 'BadRequest',
    codes: ['invalid_json', 'validation_failed'],
    text: 'The request is malformed or fails validation; `details` name each field',
  },
  401: { name: 'Unauthorized', codes: ['unauthorized'], text: 'A token is required (or the one sent is not valid)' },
  403: { name: 'Forbidden', codes: ['forbidden'], text: 'The viewer token cannot change anything; use the operator token' },
  404: { name: 'NotFound', codes: ['not_found'], text: 'No such story (or not a story id)' },
  405: {
    name: 'MethodNotAllowed',
    codes: ['method_not_allowed'],
    text: 'The path does not serve this method; `Allow` lists those it does',
  },
  410: {
    name: 'Purged',
    codes: ['purged'],
    text: 'The Idempotency-Key created a story that ran to Done and was purged since (retention): it is not created again',
  },
  413: { name: 'PayloadTooLarge', codes: ['payload_too_large'], text: 'The body is larger than BODY_LIMIT (refused before it is read)' },
  415: { name: 'UnsupportedMediaType', codes: ['unsupported_media_type'], text: 'The body is not uncompressed UTF-8 JSON' },
  422: {
    name: 'IdempotencyKeyReused',
    codes: ['idempotency_key_reused'],
    text: 'The Idempotency-Key was used with a different request (within its window); use a new key',
  },
  429: {
    name: 'TooManyRequests',
    codes: ['rate_limited'],
    text: 'Rate limited for this client address; retry after `Retry-After` seconds',
  },
  500: { name: 'InternalError', codes: ['internal'], text: 'A fault of the server (logged)' },
  503: {
    name: 'Unavailable',
    codes: ['overloaded', 'unavailable'],
    text: '`overloaded`: admission control (too much work held); `unavailable`: shutting down, or the database is unreachable. Retry after `Retry-After` seconds',
  },
} as const satisfies Record<number, { name: string; codes: readonly [ApiErrorCode, ...ApiErrorCode[]]; text: string }>;
export type ErrorStatus = keyof typeof ERRORS;

const integerHeader = (description: string) => ({ description, schema: inline(z.number().int().nonnegative()) });
const stringHeader = (description: string) => ({ description, schema: inline(z.string()) });
const ERROR_HEADERS: Partial<Record<ErrorStatus, Record<string, object>>> = {
  401: { 'WWW-Authenticate': stringHeader('`Bearer realm="storyflow"`') },
  405: { Allow: stringHeader('The methods this path serves') },
  429: {
    'Retry-After': integerHeader('Seconds until a request is admitted again'),
    RateLimit: stringHeader('Remaining budget (IETF draft 8 `RateLimit`)'),
    'RateLimit-Policy': stringHeader('The limit and window (IETF draft 8 `RateLimit-Policy`)'),
  },
  503: { 'Retry-After': integerHeader('Seconds to wait before retrying') },
};

/** The reference to an error status's component response. */
export const errorResponseRef = (status: ErrorStatus) => ({ $ref: `#/components/responses/${ERRORS[status].name}` });

/** Each error status as a component response: the error body, its `code` narrowed to the codes of that status. */
export function errorResponses(): Record<string, JsonSchema> {
  return Object.fromEntries(
    Object.entries<(typeof ERRORS)[ErrorStatus]>(ERRORS).map(([status, { name, codes, text }]) => {
      const narrowed = z.looseObject({ error: z.looseObject({ code: ApiErrorCodeSchema.extract(codes) }) });
      const headers = ERROR_HEADERS[Number(status) as ErrorStatus];
      return [
        name,
        {
          description: text,
          ...(headers ? { headers } : {}),
          content: { 'application/json': { schema: { allOf: [{ $ref: schemaRef('Error') }, inline(narrowed)] } } },
        },
      ];
    }),
  );
}
