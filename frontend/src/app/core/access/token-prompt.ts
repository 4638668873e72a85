import type { DialogRef } from '@angular/cdk/dialog';
import { Injectable, Injector, inject } from '@angular/core';
import { openLazyDialog } from '../lazy-dialog';
import type { TokenDialog, TokenReason } from './token-dialog';

/**
 * Opens the token dialog, at most one at a time. The dialog (the CDK's overlay and a form) loads the
 * first time it is needed (see openLazyDialog), not with the app: most screens never ask for a token.
 */
@Injectable({ providedIn: 'root' })
export class TokenPrompt {
  private readonly injector = inject(Injector);
  private opening: Promise<DialogRef<boolean, TokenDialog>> | null = null;

  get isOpen(): boolean {
    return this.opening !== null;
  }

  /** Resolves with true when a token was accepted, false when cancelled. */
  open(reason: TokenReason): Promise<boolean> {
    const opening = (this.opening ??= this.openDialog(reason));
    return opening.then(
      (ref) =>
        new Promise<boolean>((resolve) =>
          ref.closed.subscribe((accepted) => {
            if (this.opening === opening) this.opening = null;
            resolve(accepted === true);
          }),
        ),
      () => {
        // The dialog's code could not be fetched (the server went away): nothing opened, ask again later.
        if (this.opening === opening) this.opening = null;
        return false;
      },
    );
  }

  private openDialog(reason: TokenReason): Promise<DialogRef<boolean, TokenDialog>> {
    return openLazyDialog<boolean, { reason: TokenReason }, TokenDialog>(
      this.injector,
      () => import('./token-dialog').then((m) => ({ component: m.TokenDialog, titleId: m.TOKEN_TITLE_ID })),
      { reason },
    );
  }
}
