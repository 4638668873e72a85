import { DestroyRef, Injectable, inject, signal, type Signal } from '@angular/core';

/**
 * The current time, one source for the whole dashboard. `now` changes once a second, on the second:
 * every elapsed time, countdown and "late" check on the page moves at the same moment, with one timer
 * for the app rather than one per screen. `read()` is the exact time, for stamps and schedules.
 * Tests drive it with fake timers.
 */
@Injectable({ providedIn: 'root', useFactory: () => new WallClock() })
export abstract class Clock {
  /** Epoch ms, renewed at the start of every second. */
  abstract readonly now: Signal<number>;
  /** The exact time (epoch ms). Not a signal: reading it tracks nothing. */
  abstract read(): number;
}

/** `Clock` on `Date.now()`, ticking with one timer re-armed for the next second each time. */
export class WallClock extends Clock {
  private readonly tick = signal(Date.now());
  readonly now = this.tick.asReadonly();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    super();
    this.schedule();
    inject(DestroyRef).onDestroy(() => clearTimeout(this.timer));
  }

  read(): number {
    return Date.now();
  }

  /**
   * Aimed at the next second each time, rather than every 1000 ms: a late timer (a busy main thread,
   * a throttled background tab) does not shift every later tick.
   */
  private schedule(): void {
    this.timer = setTimeout(
      () => {
        this.tick.set(Date.now());
        this.schedule();
      },
      1000 - (Date.now() % 1000),
    );
  }
}
