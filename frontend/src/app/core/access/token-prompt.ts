import type { DialogRef } from '@angular/cdk/dialog';
import { Injectable, Injector, inject } from '@angular/core';
import type { TokenDialog, TokenReason } from './token-dialog';

/**
 * Opens the token dialog, at most one at a time. The dialog (the CDK's overlay and a form) loads the
 * first time it is needed, not with the app: most screens never ask for a token.
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

  private async openDialog(reason: TokenReason): Promise<DialogRef<boolean, TokenDialog>> {
    const [{ Dialog }, { TokenDialog, TOKEN_TITLE_ID }] = await Promise.all([import('@angular/cdk/dialog'), import('./token-dialog')]);
    return this.injector.get(Dialog).open<boolean, { reason: TokenReason }, TokenDialog>(TokenDialog, {
      data: { reason },
      ariaLabelledBy: TOKEN_TITLE_ID,
      width: '26rem',
      maxWidth: 'calc(100vw - 2rem)',
      backdropClass: 'sf-backdrop',
    });
  }
}
