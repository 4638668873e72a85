import { Injectable, inject } from '@angular/core';
import type { PreloadingStrategy, Route } from '@angular/router';
import { type Observable, forkJoin, from, mergeMap } from 'rxjs';
import { FirstScreen } from './first-screen';

/** Route data: code a screen loads after its heading (@defer, dialogs), preloaded with the screen. */
export function deferredParts(...parts: (() => Promise<unknown>)[]): { deferredParts: (() => Promise<unknown>)[] } {
  return { deferredParts: parts };
}

/** At the latest this long after the first screen is shown, the others load even if the browser is busy. */
export const PRELOAD_WITHIN_MS = 1000;

/**
 * Every screen is loaded in the background (moving to another one still works while the server is
 * down, which is when operators switch screens to see what happened), with the parts each defers
 * past its heading, but only once the first screen has been shown and the browser is idle: the first
 * screen's heading never waits for the others' code.
 */
@Injectable({ providedIn: 'root' })
export class IdlePreloading implements PreloadingStrategy {
  private readonly firstScreen = inject(FirstScreen);

  preload(route: Route, load: () => Observable<unknown>): Observable<unknown> {
    return from(this.firstScreen.shown).pipe(
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
