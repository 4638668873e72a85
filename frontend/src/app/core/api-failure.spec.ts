import { HttpErrorResponse, HttpHeaders } from '@angular/common/http';
import { isBackoff, isUnreachable, parseRetryAfter, toApiFailure } from './api-failure';

const response = (status: number, error: unknown, headers: Record<string, string> = {}) =>
  new HttpErrorResponse({ status, statusText: 'x', error, headers: new HttpHeaders(headers) });
const body = (code: string, message: string, details: unknown[] = []) => ({ error: { code, message, details } });

describe('toApiFailure', () => {
  it("keeps the server's message and details", () => {
    const failure = toApiFailure(response(400, body('validation_failed', 'Invalid', [{ path: 'taskCount', message: 'too big' }])));
    expect(failure).toEqual({
      status: 400,
      code: 'validation_failed',
      message: 'Invalid',
      details: [{ path: 'taskCount', message: 'too big' }],
      retryAfterSec: null,
    });
    expect(isUnreachable(failure)).toBe(false);
    expect(isBackoff(failure)).toBe(false);
  });

  it('says when to try again after a rate limit or admission refusal', () => {
    const limited = toApiFailure(response(429, body('rate_limited', 'Too many mutations from this address…'), { 'Retry-After': '4' }));
    expect(limited.message).toBe('Too many requests: the server asks to try again in 4 s.');
    expect(limited.retryAfterSec).toBe(4);
    expect(isBackoff(limited)).toBe(true);
    const overloaded = toApiFailure(response(503, body('overloaded', 'The server holds 10'), { 'Retry-After': '12' }));
    expect(overloaded.message).toBe('The server is at capacity: try again in 12 s.');
    expect(isBackoff(overloaded)).toBe(true);
    expect(isUnreachable(overloaded)).toBe(false);
  });

  it('treats no answer, a proxy without backend and an unavailable server as unreachable', () => {
    expect(toApiFailure(response(0, null)).message).toBe('The server cannot be reached.');
    for (const status of [0, 502, 504]) expect(isUnreachable(toApiFailure(response(status, 'down')))).toBe(true);
    const unavailable = toApiFailure(
      response(503, body('unavailable', 'The database is unavailable; try again shortly'), { 'Retry-After': '5' }),
    );
    expect(isUnreachable(unavailable)).toBe(true);
    expect(unavailable.message).toBe('The database is unavailable; try again shortly');
  });

  it('describes an answer without an error body by its status', () => {
    expect(toApiFailure(response(500, 'oops')).message).toBe('Request failed (500 x)');
  });

  it('reads Retry-After as seconds or as a date', () => {
    const now = Date.UTC(2026, 0, 1, 12, 0, 0);
    expect(parseRetryAfter('7', now)).toBe(7);
    expect(parseRetryAfter(new Date(now + 9_500).toUTCString(), now)).toBe(9);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
});
