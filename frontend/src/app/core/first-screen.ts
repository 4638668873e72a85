import { Injectable, Injector, afterNextRender, inject } from '@angular/core';
import { NavigationCancel, NavigationEnd, NavigationError, Router } from '@angular/router';
import { filter, firstValueFrom } from 'rxjs';

/** At the latest this long after the first screen is shown, it counts as live (the live feed may be down). */
export const LIVE_WITHIN_MS = 3000;

/**
 * The first screen's progress: `shown` once its navigation settled and it was rendered; `live` once the live
 * feed it waits for has connected (or given up), `LIVE_WITHIN_MS` after `shown` at the latest. What the first
 * screen does not need to be live (other screens, the response schemas, the generator) loads after `live`: on
 * a phone's bandwidth it would only slow down what the screen waits for.
 */
@Injectable({ providedIn: 'root' })
export class FirstScreen {
  private readonly router = inject(Router);
  private readonly injector = inject(Injector);
  // A first navigation that fails (its screen's code could not be fetched) settles it too: the shell's
  // live feed and answers must not wait for a screen that will not come.
  readonly shown: Promise<void> = firstValueFrom(
    this.router.events.pipe(
      filter((event) => event instanceof NavigationEnd || event instanceof NavigationCancel || event instanceof NavigationError),
    ),
  ).then(() => new Promise<void>((resolve) => afterNextRender(() => resolve(), { injector: this.injector })));

  private markLive: () => void = () => undefined;
  private readonly liveReported = new Promise<void>((resolve) => (this.markLive = resolve));
  readonly live: Promise<void> = this.shown.then(() =>
    Promise.race([this.liveReported, new Promise<void>((resolve) => setTimeout(resolve, LIVE_WITHIN_MS))]),
  );

  /** The live feed connected, or gave up (refused, offline): the composition root says so. */
  reportLive(): void {
    this.markLive();
  }
}
