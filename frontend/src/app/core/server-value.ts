import { signal, type Signal, type WritableSignal } from '@angular/core';
import type { Observable, Subscription } from 'rxjs';

/** Longest pause between two attempts. */
export const SERVER_VALUE_MAX_RETRY_MS = 60_000;

export interface ServerValueOptions<T> {
  /** An answer this rejects keeps the current value. */
  accept?: (value: unknown) => value is T;
  /** Fetches again (like `reload()`) whenever this emits, e.g. a new token: the first answer may have been a 401. */
  reloadOn?: Observable<unknown>;
}

/**
 * A value the server answers once (limits, info): `initial` until it has answered, fetched again on
 * `reload()` or when `reloadOn` emits. A failed fetch is tried again with growing pauses (1 s, 2 s, …,
 * a minute); an answer `accept` rejects keeps the current value.
 */
export class ServerValue<T> {
  private readonly current: WritableSignal<T>;
  readonly value: Signal<T>;
  private readonly answered = signal(false);
  readonly loaded = this.answered.asReadonly();
  private started = false;
  private request: Subscription | null = null;
  private retry: ReturnType<typeof setTimeout> | null = null;
  private readonly accept: (value: unknown) => value is T;
  private readonly reloads: Subscription | undefined;

  constructor(
    private readonly fetch: () => Observable<T>,
    initial: T,
    options: ServerValueOptions<T> = {},
  ) {
    this.current = signal<T>(initial);
    this.value = this.current.asReadonly();
    this.accept = options.accept ?? ((_value: unknown): _value is T => true);
    this.reloads = options.reloadOn?.subscribe(() => this.reload());
  }

  /** Fetches once; later calls are no-ops. */
  load(): void {
    if (this.started) return;
    this.started = true;
    this.attempt(0);
  }

  /** Fetches again now (if loading has started), dropping a pending request or retry. */
  reload(): void {
    if (!this.started) return;
    this.cancel();
    this.attempt(0);
  }

  destroy(): void {
    this.reloads?.unsubscribe();
    this.cancel();
  }

  private cancel(): void {
    this.request?.unsubscribe();
    if (this.retry !== null) clearTimeout(this.retry);
    this.retry = null;
  }

  private attempt(n: number): void {
    this.request = this.fetch().subscribe({
      next: (value) => {
        if (!this.accept(value)) return;
        this.current.set(value);
        this.answered.set(true);
      },
      error: () => {
        this.retry = setTimeout(() => this.attempt(n + 1), Math.min(SERVER_VALUE_MAX_RETRY_MS, 1000 * 2 ** n));
      },
    });
  }
}
