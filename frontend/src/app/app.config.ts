import { provideHttpClient, withInterceptors } from '@angular/common/http';
import {
  type ApplicationConfig,
  inject,
  provideAppInitializer,
  provideBrowserGlobalErrorListeners,
  provideZonelessChangeDetection,
} from '@angular/core';
import { provideRouter, withComponentInputBinding, withInMemoryScrolling, withPreloading } from '@angular/router';
import { routes } from './app.routes';
import { authInterceptor } from './core/access/auth-interceptor';
import { TokenStore } from './core/access/token-store';
import { IdlePreloading } from './core/idle-preloading';
import { ServerLimits } from './core/limits';
import { LIVE_TOKEN } from './realtime/stats-stream';

export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    provideZonelessChangeDetection(),
    provideRouter(
      routes,
      withComponentInputBinding(),
      withInMemoryScrolling({ scrollPositionRestoration: 'enabled' }),
      // Every screen loads in the background once the first is shown and the browser idle (see IdlePreloading).
      withPreloading(IdlePreloading),
    ),
    // Fetch, Angular's default backend since v22 (withFetch() before).
    provideHttpClient(withInterceptors([authInterceptor])),
    // The socket handshake carries the same token as REST requests.
    { provide: LIVE_TOKEN, useFactory: () => inject(TokenStore).token },
    // Fetch the server's request limits at start without waiting for them: the defaults apply until then.
    provideAppInitializer(() => inject(ServerLimits).load()),
  ],
};
