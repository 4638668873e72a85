import { OverloadedError } from '../shared/errors.js';

/** What admission control bounds: Open tasks, and Open stories (each is a document and its tracking). */
export interface AdmissionBounds {
  tasks: number;
  stories: number;
}

/**
 * Admission control: the Open tasks held at once (queued, running, or done but not committed) and the
 * Open stories stay under bounds, so whatever clients send, memory (ours and the database's) and queued
 * work stay bounded: many large stories hit the task bound, many tiny ones the story bound.
 * A create reserves before its insert and hands the reservation over once stored (or gives it back).
 */
export class Admission {
  private held = 0;
  private stories = 0;

  /**
   * @param backlogElsewhere tasks that count against the bound without being held here (the in-memory
   *   mode's stored Done tasks above their retention bound, until the purge catches up).
   */
  constructor(
    private readonly bounds: AdmissionBounds,
    private readonly backlogElsewhere: () => number = () => 0,
  ) {}

  get openTasks(): number {
    return this.held;
  }

  get openStories(): number {
    return this.stories;
  }

  /**
   * Reserves `tasks`, or throws OverloadedError with a Retry-After estimate.
   * @param drainSec how long the current backlog needs at the pool's full speed, for Retry-After.
   */
  reserve(tasks: number, drainSec: () => number): () => void {
    this.check(tasks, drainSec);
    this.hold(tasks);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.release(tasks);
    };
  }

  /** Throws OverloadedError if a story of `tasks` tasks would not fit now; reserves nothing. */
  check(tasks: number, drainSec: () => number): void {
    const elsewhere = this.backlogElsewhere();
    let refusal: string | null = null;
    if (this.held + elsewhere + tasks > this.bounds.tasks) {
      const held = elsewhere ? `${this.held} open tasks and ${elsewhere} finished ones waiting to be purged` : `${this.held} open tasks`;
      refusal = `The server holds ${held}; ${tasks} more would exceed its limit of ${this.bounds.tasks}`;
    } else if (this.stories >= this.bounds.stories) {
      refusal = `The server holds ${this.stories} open stories, its limit`;
    }
    if (refusal === null) return;
    const retryAfter = Math.min(60, Math.max(1, Math.ceil(drainSec())));
    throw new OverloadedError(`${refusal}. Retry after ${retryAfter} s`, retryAfter);
  }

  /** Stories taken on without a reservation (recovered at start) count too. */
  hold(tasks: number): void {
    this.held += tasks;
    this.stories++;
  }

  /** A story held (reserved or taken on) leaves with its tasks. */
  release(tasks: number): void {
    this.held = Math.max(0, this.held - tasks);
    this.stories = Math.max(0, this.stories - 1);
  }
}
