import { withDeadline } from '../shared/deadline.js';
import { CoordinationUnavailableError, DomainError } from '../shared/errors.js';
import type { RedisHealth } from './redis-health.js';

/**
 * Every Redis call a request waits for goes through here: while the health check says Redis is down it
 * fails at once, otherwise it gets `deadlineMs` in all (a frozen server never answers; the client's own
 * command timeout is longer). Any failure becomes CoordinationUnavailableError (a 503 with Retry-After).
 * A call cut off by the deadline may still land later: callers make that harmless (a reservation is
 * corrected by the next sync, a lease taken for a refused create expires).
 */
export class RedisGate {
  constructor(
    private readonly health: RedisHealth,
    private readonly deadlineMs = 1000,
  ) {}

  get available(): boolean {
    return this.health.available;
  }

  async run<T>(call: () => Promise<T>): Promise<T> {
    if (!this.health.available) throw new CoordinationUnavailableError();
    try {
      return await withDeadline(call(), this.deadlineMs, () => new Error(`redis did not answer within ${this.deadlineMs} ms`));
    } catch (error) {
      // A refusal of the domain's (the cluster is full) stays what it is; anything else is Redis's trouble.
      throw error instanceof DomainError ? error : new CoordinationUnavailableError(error);
    }
  }
}
