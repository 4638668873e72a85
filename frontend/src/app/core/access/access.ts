import { Injectable, computed, effect, inject, signal, untracked } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import type { AccessDto } from '@storyflow/contracts/api';
import { Subject, catchError, map, of, retry, switchMap, tap, throwError, timer, type Observable } from 'rxjs';
import { isUnreachable, toApiFailure } from '../api-failure';
import { ServerApi } from '../server-api';
import { TokenStore } from './token-store';

export type AccessState =
  | { kind: 'checking' }
  | { kind: 'known'; access: AccessDto }
  /** The server refused the stored token, or wants one and none is stored. */
  | { kind: 'token-needed'; invalid: boolean; message: string }
  /** No answer yet; checked again with growing pauses. */
  | { kind: 'unreachable' };

/** Longest pause between two checks while the server cannot be reached. */
const MAX_RETRY_MS = 30_000;

/**
 * What this dashboard may do (GET /api/access), checked at start, whenever the token changes and
 * whenever a request is refused with 401. Components read `canMutate` to hide what a viewer cannot use.
 */
@Injectable({ providedIn: 'root' })
export class AccessService {
  private readonly api = inject(ServerApi);
  private readonly store = inject(TokenStore);
  private readonly checks = new Subject<void>();
  private readonly current = signal<AccessState>({ kind: 'checking' });

  readonly state = this.current.asReadonly();
  readonly hasToken = computed(() => this.store.token() !== null);
  /** Null until the server has answered. */
  readonly role = computed(() => {
    const state = this.current();
    return state.kind === 'known' ? state.access.role : null;
  });
  /**
   * Mutating controls are shown unless the server said this is a viewer (or wants a token first): an
   * operator's dashboard does not flicker while the answer is on its way.
   */
  readonly canMutate = computed(() => this.role() !== 'viewer' && this.current().kind !== 'token-needed');
  /** The server needs tokens at all (for changes, or also for reads). */
  readonly tokensInUse = computed(() => {
    const state = this.current();
    return state.kind === 'token-needed' || (state.kind === 'known' && (state.access.mutationsNeedToken || state.access.readsNeedToken));
  });

  constructor() {
    this.checks
      .pipe(
        switchMap(() =>
          this.api.access().pipe(
            retry({
              delay: (error: unknown, count) => {
                if (!isUnreachable(toApiFailure(error))) return throwError(() => error);
                this.current.set({ kind: 'unreachable' });
                return timer(Math.min(MAX_RETRY_MS, 1000 * 2 ** (count - 1)));
              },
            }),
            map((access): AccessState => ({ kind: 'known', access })),
            catchError((error: unknown) => {
              const failure = toApiFailure(error);
              return of<AccessState>(
                failure.status === 401
                  ? { kind: 'token-needed', invalid: this.store.token() !== null, message: failure.message }
                  : { kind: 'unreachable' },
              );
            }),
          ),
        ),
        takeUntilDestroyed(),
      )
      .subscribe((state) => this.current.set(state));
    // At start, on a new or forgotten token, and after any refused request.
    effect(() => {
      this.store.token();
      this.store.refused();
      untracked(() => this.checks.next());
    });
  }

  /** Tries `token` with the server; stores it only when accepted. Errors are the server's refusal. */
  tryToken(token: string): Observable<AccessDto> {
    return this.api.access(token).pipe(tap(() => this.store.set(token)));
  }

  forgetToken(): void {
    this.store.forget();
  }
}
