import { withDeadline } from '../shared/deadline.js';
import { DatabaseUnavailableError } from '../shared/errors.js';
import { isDatabaseUnavailable } from './db-errors.js';

/**
 * Every database call goes through here. While the health check says the database is down, a call fails
 * at once (503) instead of waiting out its own timeout; otherwise it gets `deadlineMs` (DB_TIMEOUT_MS)
 * in all, whatever the driver is waiting for (server selection, a connection, a hung server's reply),
 * and driver unavailability errors become the domain's DatabaseUnavailableError. A write cut off by
 * the deadline may still land: callers treat its outcome as unknown (see the unsettled writes).
 *
 * The call is handed the server-side time limit (`maxTimeMS`) it must send: a little under the deadline,
 * so the server stops a query (a sort over millions) rather than go on after the client has gone.
 */
export class DbGate {
  /** What every query and update sends as `maxTimeMS`. */
  readonly maxTimeMS: number;

  constructor(
    private readonly deadlineMs: number,
    private readonly available: () => boolean = () => true,
  ) {
    this.maxTimeMS = Math.max(50, deadlineMs - Math.min(500, Math.round(deadlineMs / 10)));
  }

  async run<T>(call: (maxTimeMS: number) => Promise<T>): Promise<T> {
    if (!this.available()) throw new DatabaseUnavailableError(new Error('the database health check is failing'));
    try {
      return await withDeadline(
        call(this.maxTimeMS),
        this.deadlineMs,
        () => new DatabaseUnavailableError(new Error(`no answer within ${this.deadlineMs} ms`)),
      );
    } catch (error) {
      throw isDatabaseUnavailable(error)
        ? error instanceof DatabaseUnavailableError
          ? error
          : new DatabaseUnavailableError(error)
        : error;
    }
  }
}
