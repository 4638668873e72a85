import { Injectable, signal } from '@angular/core';
import { toObservable } from '@angular/core/rxjs-interop';
import { skip } from 'rxjs';

const KEY = 'storyflow.token';

/**
 * The access token the user entered, kept in sessionStorage: it survives reloads of this tab but not
 * the tab itself, and never reaches another tab or the disk profile's localStorage.
 */
@Injectable({ providedIn: 'root' })
export class TokenStore {
  private readonly state = signal<string | null>(read());
  readonly token = this.state.asReadonly();
  /** Each new or forgotten token (not the one at start). */
  readonly changed$ = toObservable(this.token).pipe(skip(1));
  /** Bumped whenever the server refuses a request for want of a (valid) token. */
  private readonly refusals = signal(0);
  readonly refused = this.refusals.asReadonly();

  set(token: string): void {
    write(token);
    this.state.set(token);
  }

  forget(): void {
    write(null);
    this.state.set(null);
  }

  /** Called by the interceptor on a 401: the access state must be asked again. */
  reportRefusal(): void {
    this.refusals.update((n) => n + 1);
  }
}

// Storage can throw (disabled cookies, sandboxed frames): the token then lives for this page only.
function read(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

function write(token: string | null): void {
  try {
    if (token === null) sessionStorage.removeItem(KEY);
    else sessionStorage.setItem(KEY, token);
  } catch {
    // Kept in memory only.
  }
}
