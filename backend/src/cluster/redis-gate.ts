import { withDeadline } from '../shared/deadline.js';
import { CoordinationUnavailableError, DomainError } from '../shared/errors.js';
import type { RedisHealth } from './redis-health.js';

/**
 * Every Redis call a request waits for: fails at once while Redis is down, else gets `deadlineMs`; any failure becomes
 * CoordinationUnavailableError (503). A call cut off may still land: callers make that harmless (sync, lease expiry).
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
