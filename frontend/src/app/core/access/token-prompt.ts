import { Dialog, type DialogRef } from '@angular/cdk/dialog';
import { Injectable, inject } from '@angular/core';
import { TOKEN_TITLE_ID, TokenDialog, type TokenReason } from './token-dialog';

/** Opens the token dialog, at most one at a time. */
@Injectable({ providedIn: 'root' })
export class TokenPrompt {
  private readonly dialog = inject(Dialog);
  private ref: DialogRef<boolean, TokenDialog> | null = null;

  get isOpen(): boolean {
    return this.ref !== null;
  }

  /** Resolves with true when a token was accepted, false when cancelled. */
  open(reason: TokenReason): Promise<boolean> {
    this.ref ??= this.dialog.open<boolean, { reason: TokenReason }, TokenDialog>(TokenDialog, {
      data: { reason },
      ariaLabelledBy: TOKEN_TITLE_ID,
      width: '26rem',
      maxWidth: 'calc(100vw - 2rem)',
      backdropClass: 'sf-backdrop',
    });
    const ref = this.ref;
    return new Promise((resolve) =>
      ref.closed.subscribe((accepted) => {
        if (this.ref === ref) this.ref = null;
        resolve(accepted === true);
      }),
    );
  }
}
