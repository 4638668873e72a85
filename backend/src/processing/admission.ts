import { OverloadedError } from '../shared/errors.js';

/**
 * Admission control: the Open tasks held at once (queued, running, or done but not committed) stay under
 * a bound, so whatever clients send, memory (ours and the database's) and queued work stay bounded.
 * A create reserves its tasks before its insert and hands them over once stored (or gives them back).
 */
export class Admission {
  private held = 0;

  /**
   * @param backlogElsewhere tasks that count against the bound without being held here (the in-memory
   *   mode's stored Done tasks above their retention bound, until the purge catches up).
   */
  constructor(
    private readonly maxOpenTasks: number,
    private readonly backlogElsewhere: () => number = () => 0,
  ) {}

  get openTasks(): number {
    return this.held;
  }

  /**
   * Reserves `tasks`, or throws OverloadedError with a Retry-After estimate.
   * @param drainSec how long the current backlog needs at the pool's full speed, for Retry-After.
   */
  reserve(tasks: number, drainSec: () => number): () => void {
    const elsewhere = this.backlogElsewhere();
    if (this.held + elsewhere + tasks > this.maxOpenTasks) {
      const retryAfter = Math.min(60, Math.max(1, Math.ceil(drainSec())));
      const held = elsewhere ? `${this.held} open tasks and ${elsewhere} finished ones waiting to be purged` : `${this.held} open tasks`;
      throw new OverloadedError(
        `The server holds ${held}; ${tasks} more would exceed its limit of ${this.maxOpenTasks}. Retry after ${retryAfter} s`,
        retryAfter,
      );
    }
    this.held += tasks;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.held -= tasks;
    };
  }

  /** Stories taken on without a reservation (recovered at start) count too. */
  hold(tasks: number): void {
    this.held += tasks;
  }

  release(tasks: number): void {
    this.held = Math.max(0, this.held - tasks);
  }
}
