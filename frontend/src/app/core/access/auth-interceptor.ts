import { HttpContextToken, HttpErrorResponse, type HttpInterceptorFn } from '@angular/common/http';
import { inject } from '@angular/core';
import { tap } from 'rxjs';
import { TokenStore } from './token-store';

/** Set on a request that carries its own Authorization (a token being tried): leave it alone. */
export const OWN_AUTHORIZATION = new HttpContextToken<boolean>(() => false);
/** Set on the access check itself: its 401 is its answer, not a refusal to report (which would check again). */
export const QUIET_REFUSAL = new HttpContextToken<boolean>(() => false);

/**
 * Adds the stored token to every API request (same origin, `/api/…`), and reports a 401 so the
 * access state is asked again (the token may be missing, wrong, or changed on the server).
 */
export const authInterceptor: HttpInterceptorFn = (req, next) => {
  if (!/^\/api(\/|$)/.test(req.url)) return next(req);
  const store = inject(TokenStore);
  const token = store.token();
  const sent = token && !req.context.get(OWN_AUTHORIZATION) ? req.clone({ setHeaders: { Authorization: `Bearer ${token}` } }) : req;
  return next(sent).pipe(
    tap({
      error: (error: unknown) => {
        if (error instanceof HttpErrorResponse && error.status === 401 && !req.context.get(QUIET_REFUSAL)) store.reportRefusal();
      },
    }),
  );
};
