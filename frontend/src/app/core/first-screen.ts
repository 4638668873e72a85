import { Injectable, Injector, afterNextRender, inject } from '@angular/core';
import { NavigationEnd, Router } from '@angular/router';
import { filter, firstValueFrom } from 'rxjs';

/**
 * Resolves once the first screen is shown (its navigation ended and it was rendered): what that screen
 * does not need to show its heading (response schemas, the live feed's worker, other screens) loads then.
 */
@Injectable({ providedIn: 'root' })
export class FirstScreen {
  private readonly router = inject(Router);
  private readonly injector = inject(Injector);
  readonly shown: Promise<void> = firstValueFrom(this.router.events.pipe(filter((event) => event instanceof NavigationEnd))).then(
    () => new Promise<void>((resolve) => afterNextRender(() => resolve(), { injector: this.injector })),
  );
}
