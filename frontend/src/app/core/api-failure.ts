import { HttpErrorResponse } from '@angular/common/http';
import type { ApiErrorBody, ApiErrorCode, ApiErrorDetail } from '@storyflow/contracts/api';

/** A failed request as the UI shows it: one message, the field-level details, and when to try again. */
export interface ApiFailure {
  /** HTTP status; 0 when no answer came (network error, server down). */
  status: number;
  code: ApiErrorCode | null;
  message: string;
  details: ApiErrorDetail[];
  /** Seconds the server asked the client to wait (Retry-After), if it did. */
  retryAfterSec: number | null;
}

/**
 * The server could not be reached, or answered that it cannot serve at all (database down, shutting
 * down, or a proxy in front of it with no backend): waiting for it to come back is the only remedy.
 */
export function isUnreachable(failure: ApiFailure): boolean {
  return (
    failure.status === 0 || failure.status === 502 || failure.status === 504 || (failure.status === 503 && failure.code !== 'overloaded')
  );
}

/** The server asks to slow down (rate limit or admission control): retry after `retryAfterSec`. */
export function isBackoff(failure: ApiFailure): boolean {
  return failure.status === 429 || (failure.status === 503 && failure.code === 'overloaded');
}

export function toApiFailure(error: unknown, now: number = Date.now()): ApiFailure {
  if (!(error instanceof HttpErrorResponse)) {
    return { status: 0, code: null, message: error instanceof Error ? error.message : 'Request failed', details: [], retryAfterSec: null };
  }
  const body = error.error as Partial<ApiErrorBody> | null;
  const server = body && typeof body === 'object' && body.error && typeof body.error.message === 'string' ? body.error : null;
  const retryAfterSec = parseRetryAfter(error.headers?.get('Retry-After') ?? null, now);
  const failure: ApiFailure = {
    status: error.status,
    code: server?.code ?? null,
    message: server?.message ?? `Request failed (${error.status} ${error.statusText})`.trim(),
    details: server && Array.isArray(server.details) ? server.details : [],
    retryAfterSec,
  };
  // Our own words where the server's are generic or long, always with the wait the server asked for.
  const wait = retryAfterSec === null ? 'shortly' : `in ${retryAfterSec} s`;
  if (error.status === 0) failure.message = 'The server cannot be reached.';
  else if (error.status === 429) failure.message = `Too many requests: the server asks to try again ${wait}.`;
  else if (isBackoff(failure)) failure.message = `The server is at capacity: try again ${wait}.`;
  else if (error.status === 502 || error.status === 504) failure.message = 'The server cannot be reached (the proxy got no answer).';
  return failure;
}

/** Retry-After as seconds (delta-seconds or an HTTP date); null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (value === null || value.trim() === '') return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - now) / 1000));
}
