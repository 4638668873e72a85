import { DatabaseUnavailableError } from '../shared/errors.js';

const NETWORK_CODES = /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ECONNABORTED)$/;
const NETWORK_TEXT =
  /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|timed out|connection .*closed|not connected|must be connected|topology .*closed|server selection|socket .*(closed|hang up)/i;

/** MongoDB unreachable or not answering in time, whatever error class wraps it: retryable, not a bug of ours. */
export function isDatabaseUnavailable(err: unknown, depth = 0): boolean {
  if (depth > 5) return false;
  if (err instanceof DatabaseUnavailableError) return true;
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { name?: unknown; message?: unknown; code?: unknown; cause?: unknown };
  const name = typeof e.name === 'string' ? e.name : '';
  const message = typeof e.message === 'string' ? e.message : '';
  if (
    /^Mongo(ose)?(ServerSelection|Network|NetworkTimeout|NotConnected|TopologyClosed|OperationTimeout|PoolClosed|ServerClosed)Error$/.test(
      name,
    )
  )
    return true;
  if (typeof e.code === 'string' && NETWORK_CODES.test(e.code)) return true;
  // The server stopped a command at its maxTimeMS (see DbGate): it did not answer in time.
  if (e.code === 50 && /^Mongo/.test(name)) return true;
  if (/^Mongo/.test(name) && NETWORK_TEXT.test(message)) return true;
  return e.cause !== undefined && e.cause !== err && isDatabaseUnavailable(e.cause, depth + 1);
}

/** A write refused by a unique index: which one (as the server names it), when it says. */
export class DuplicateKeyError extends Error {
  constructor(
    readonly index: string | null,
    message: string,
  ) {
    super(message);
  }

  static from(error: unknown): DuplicateKeyError {
    const message = (error as { errmsg?: unknown; message?: unknown }).errmsg ?? (error as { message?: unknown }).message;
    const text = typeof message === 'string' ? message : 'duplicate key';
    return new DuplicateKeyError(/index: (\S+) dup key/.exec(text)?.[1] ?? null, text);
  }
}

export const isDuplicateKey = (error: unknown): boolean => (error as { code?: unknown } | null)?.code === 11000;
