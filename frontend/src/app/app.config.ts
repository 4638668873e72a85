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
import { FirstScreen } from './core/first-screen';
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
    // The server's request limits, once the first screen is live (the defaults apply until then): nothing
    // waits for them, and the first screen's own requests go first.
    provideAppInitializer(() => {
      const limits = inject(ServerLimits);
      void inject(FirstScreen).live.then(() => limits.load());
    }),
  ],
};
