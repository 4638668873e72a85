import { OverloadedError } from '../shared/errors.js';
import { Listeners } from '../shared/listeners.js';

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
  private closed = false;
  private readonly refusedListeners = new Listeners<[]>();

  /**
   * @param drainSec how long the current backlog needs at the pool's full speed (Retry-After).
   * @param backlogElsewhere tasks that count against the bound without being held here (see the storage
   *   profile: stored Done tasks over what the embedded database may hold, until the purge catches up).
   */
  constructor(
    private readonly bounds: AdmissionBounds,
    private readonly drainSec: () => number,
    private readonly backlogElsewhere: () => number = () => 0,
  ) {}

  get openTasks(): number {
    return this.held;
  }

  get openStories(): number {
    return this.stories;
  }

  /** Called when a story is refused (e.g. a purge may make room). */
  onRefused(listener: () => void): () => void {
    return this.refusedListeners.add(listener);
  }

  /** Reserves `tasks` for a story about to be stored, or throws OverloadedError with a Retry-After estimate. */
  reserve(tasks: number): () => void {
    if (this.closed) return () => {};
    this.check(tasks);
    this.hold(tasks);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.release(tasks);
    };
  }

  /** Throws OverloadedError if a story of `tasks` tasks would not fit now; reserves nothing. */
  check(tasks: number): void {
    if (this.closed) return;
    const refusal = this.refusal(tasks);
    if (refusal === null) return;
    this.refusedListeners.emit();
    const retryAfter = Math.min(60, Math.max(1, Math.ceil(this.drainSec())));
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

  /** Shutting down: what is admitted now is refused by the HTTP gate anyway; nothing is held back. */
  close(): void {
    this.closed = true;
  }

  private refusal(tasks: number): string | null {
    const elsewhere = this.backlogElsewhere();
    if (this.held + elsewhere + tasks > this.bounds.tasks) {
      const held = elsewhere ? `${this.held} open tasks and ${elsewhere} finished ones waiting to be purged` : `${this.held} open tasks`;
      return `The server holds ${held}; ${tasks} more would exceed its limit of ${this.bounds.tasks}`;
    }
    if (this.stories >= this.bounds.stories) return `The server holds ${this.stories} open stories, its limit`;
    return null;
  }
}
