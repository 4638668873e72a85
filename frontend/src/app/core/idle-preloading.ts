import { Injectable, inject } from '@angular/core';
import type { PreloadingStrategy, Route } from '@angular/router';
import { type Observable, forkJoin, from, mergeMap } from 'rxjs';
import { FirstScreen } from './first-screen';

/** Route data: code a screen loads after its heading (@defer, dialogs), preloaded with the screen. */
export function deferredParts(...parts: (() => Promise<unknown>)[]): { deferredParts: (() => Promise<unknown>)[] } {
  return { deferredParts: parts };
}

/**
 * A screen's code, its deferred `parts` fetched at the same time (they are not waited for): a part the screen
 * shows at once (an `@defer (on immediate)` block) then does not wait for the screen's code to ask for it.
 */
export function withParts<T>(screen: Promise<T>, ...parts: (() => Promise<unknown>)[]): Promise<T> {
  for (const part of parts) part().catch(() => undefined);
  return screen;
}

/** At the latest this long after the first screen is live, the others load even if the browser is busy. */
export const PRELOAD_WITHIN_MS = 1000;

/**
 * Every screen is loaded in the background (moving to another one still works while the server is
 * down, which is when operators switch screens to see what happened), with the parts each defers
 * past its heading, but only once the first screen is live (see FirstScreen) and the browser is idle: the
 * first screen never shares the network with the others' code.
 */
@Injectable({ providedIn: 'root' })
export class IdlePreloading implements PreloadingStrategy {
  private readonly firstScreen = inject(FirstScreen);

  preload(route: Route, load: () => Observable<unknown>): Observable<unknown> {
    return from(this.firstScreen.live).pipe(
      mergeMap(() => whenIdle()),
      mergeMap(() => {
        const parts = (route.data?.['deferredParts'] ?? []) as (() => Promise<unknown>)[];
        return forkJoin([load(), ...parts.map((part) => from(part()))]);
      }),
    );
  }
}

/** Resolves when the browser has nothing else to do (or after PRELOAD_WITHIN_MS at the latest). */
function whenIdle(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof requestIdleCallback === 'function') requestIdleCallback(() => resolve(), { timeout: PRELOAD_WITHIN_MS });
    else setTimeout(resolve, 0);
  });
}
