import { OverloadedError } from '../shared/errors.js';
import { Listeners } from '../shared/listeners.js';

/** What admission control bounds: Open tasks, and Open stories (each is a document and its tracking). */
export interface AdmissionBounds {
  tasks: number;
  stories: number;
}

/** Room of a database that holds only so much (the in-memory stand-in), in task units (see StorageCapacity). */
export interface StorageRoom {
  units: number;
  perStory: number;
  /** Done stories stored, and their tasks. */
  storedDone(): { stories: number; tasks: number };
  /** Seconds until room may come back once the backlog has drained (retention purges), for Retry-After. */
  retryAfterSec: number;
  /** What an operator can do about it, said with the refusal. */
  remedy: string;
}

export interface AdmissionOptions {
  bounds: AdmissionBounds;
  /** How long the current backlog needs at the pool's full speed (Retry-After). */
  drainSec: () => number;
  /** Tasks counted against the bound without being held here (stored Done tasks over retention's bound, until purged). */
  backlogElsewhere?: () => number;
  /** Set for a database that holds only so much: a story is admitted only if it fits, so a story accepted is kept. */
  storage?: StorageRoom | null;
}

interface Refusal {
  reason: string;
  retryAfterSec: number;
}

/**
 * Bounds the Open tasks held (queued, running, or done but not committed) and the Open stories, so whatever clients send, memory
 * and queued work stay bounded. A create reserves before its insert and hands the reservation over once stored (or gives it back).
 */
export class Admission {
  private held = 0;
  private stories = 0;
  private closed = false;
  private readonly refusedListeners = new Listeners<[]>();

  constructor(private readonly options: AdmissionOptions) {}

  get openTasks(): number {
    return this.held;
  }

  get openStories(): number {
    return this.stories;
  }

  /** What the database holds, in the task units of its room: Open and Done (0 without a bounded room). */
  get storedUnits(): number {
    const room = this.options.storage;
    if (!room) return 0;
    const done = room.storedDone();
    return this.held + done.tasks + room.perStory * (this.stories + done.stories);
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

  /** A batch's reservations in one pass, in order; a refused story gets its OverloadedError (a later, smaller one may fit). */
  reserveEach(tasks: readonly number[]): ((() => void) | OverloadedError)[] {
    return tasks.map((n) => {
      try {
        return this.reserve(n);
      } catch (error) {
        if (error instanceof OverloadedError) return error;
        throw error;
      }
    });
  }

  /** Throws OverloadedError if a story of `tasks` tasks would not fit now; reserves nothing. */
  check(tasks: number): void {
    if (this.closed) return;
    const refusal = this.refusal(tasks) ?? this.storageRefusal(tasks);
    if (refusal === null) return;
    this.refusedListeners.emit();
    const retryAfter = Math.min(60, Math.max(1, Math.ceil(refusal.retryAfterSec)));
    throw new OverloadedError(`${refusal.reason}. Retry after ${retryAfter} s`, retryAfter);
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

  /** The bounds on Open work (the backlog drains: retry once it has). */
  private refusal(tasks: number): Refusal | null {
    const { bounds, drainSec, backlogElsewhere } = this.options;
    const elsewhere = backlogElsewhere?.() ?? 0;
    let reason: string | null = null;
    if (this.held + elsewhere + tasks > bounds.tasks) {
      const held = elsewhere ? `${this.held} open tasks and ${elsewhere} finished ones waiting to be purged` : `${this.held} open tasks`;
      reason = `The server holds ${held}; ${tasks} more would exceed its limit of ${bounds.tasks}`;
    } else if (this.stories >= bounds.stories) reason = `The server holds ${this.stories} open stories, its limit`;
    return reason === null ? null : { reason, retryAfterSec: drainSec() };
  }

  /** The database's room: Open and Done stories alike stay stored, so only a purge or a deletion frees it. */
  private storageRefusal(tasks: number): Refusal | null {
    const room = this.options.storage;
    if (!room) return null;
    const used = this.storedUnits;
    if (used + tasks + room.perStory <= room.units) return null;
    return {
      reason: `The database is full: it holds ${used} of the ${room.units} task units it has room for (a story counts ${room.perStory} besides its tasks). ${room.remedy}`,
      retryAfterSec: this.options.drainSec() + room.retryAfterSec,
    };
  }
}
