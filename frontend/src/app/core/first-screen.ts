import { Injectable, Injector, afterNextRender, inject } from '@angular/core';
import { NavigationCancel, NavigationEnd, NavigationError, Router } from '@angular/router';
import { filter, firstValueFrom } from 'rxjs';

/**
 * Resolves once the first screen is shown (its navigation settled and it was rendered): what that screen
 * does not need to show its heading (response schemas, the live feed's worker, other screens) loads then.
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
}
