import { withDeadline } from '../shared/deadline.js';
import { DatabaseUnavailableError } from '../shared/errors.js';
import { isDatabaseUnavailable } from './db-errors.js';

/**
 * Every database call: fails at once (503) while the database is down, else gets `deadlineMs` in all; unavailability becomes
 * DatabaseUnavailableError. A write cut off may still land: its outcome is unknown (see UnknownWriteSettler). Each call is handed
 * `maxTimeMS`, a little under the deadline, so the server stops a query the client has given up on.
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
