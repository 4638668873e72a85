import { DIALOG_DATA, DialogRef } from '@angular/cdk/dialog';
import { ChangeDetectionStrategy, Component, type ElementRef, inject, signal, viewChild } from '@angular/core';
import { FormControl, ReactiveFormsModule } from '@angular/forms';
import { toApiFailure } from '../api-failure';
import { AccessService } from './access';

/** Why the token is asked for: none stored, the stored one refused, or a viewer wants to make changes. */
export type TokenReason = 'required' | 'invalid' | 'operator';

export const TOKEN_TITLE_ID = 'token-title';

const TEXT: Record<TokenReason, { title: string; help: string }> = {
  required: { title: 'Token required', help: 'This server shows its stories only with a viewer or operator token.' },
  invalid: { title: 'Token not accepted', help: 'The server no longer accepts the stored token. Enter a current one.' },
  operator: { title: 'Operator token', help: 'Creating, deleting, the generator and pausing need the operator token.' },
};

/**
 * Asks for an access token and tries it with the server before keeping it (sessionStorage). Opened
 * through CDK Dialog: focus starts in the field, stays inside, Escape or Cancel closes, focus returns.
 */
@Component({
  selector: 'sf-token-dialog',
  imports: [ReactiveFormsModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'sf-dialog', 'data-testid': 'token-dialog' },
  template: `
    <form (submit)="$event.preventDefault(); submit()" novalidate>
      <h2 [id]="titleId">{{ text.title }}</h2>
      <p id="token-help">{{ text.help }} It is kept in this tab until you forget it or close the tab.</p>
      <label for="access-token">Access token</label>
      <input
        #input
        id="access-token"
        type="password"
        autocomplete="off"
        spellcheck="false"
        [formControl]="token"
        [attr.aria-invalid]="error() !== null"
        [attr.aria-describedby]="error() === null ? 'token-help' : 'token-error token-help'"
      />
      @if (error(); as message) {
        <p id="token-error" class="field-error" role="alert" data-testid="token-error">{{ message }}</p>
      }
      <div class="dialog-actions">
        <button type="button" class="btn" (click)="ref.close(false)">Cancel</button>
        <button type="submit" class="btn btn-primary" data-testid="token-submit" [attr.aria-disabled]="checking()">
          {{ checking() ? 'Checking…' : 'Use token' }}
        </button>
      </div>
    </form>
  `,
  styles: `
    label {
      display: block;
      font-weight: 600;
      margin-bottom: 0.25rem;
    }
    input {
      width: 100%;
    }
  `,
})
export class TokenDialog {
  protected readonly ref = inject<DialogRef<boolean>>(DialogRef);
  private readonly access = inject(AccessService);
  protected readonly text = TEXT[inject<{ reason: TokenReason }>(DIALOG_DATA).reason];
  protected readonly titleId = TOKEN_TITLE_ID;
  protected readonly token = new FormControl('', { nonNullable: true });
  protected readonly error = signal<string | null>(null);
  protected readonly checking = signal(false);
  private readonly input = viewChild.required<ElementRef<HTMLInputElement>>('input');

  constructor() {
    this.token.valueChanges.subscribe(() => this.error.set(null));
  }

  protected submit(): void {
    if (this.checking()) return;
    const token = this.token.value.trim();
    if (token === '') return this.fail('Enter the token you were given.');
    this.checking.set(true);
    this.access.tryToken(token).subscribe({
      next: () => this.ref.close(true),
      error: (error: unknown) => {
        this.checking.set(false);
        const failure = toApiFailure(error);
        this.fail(failure.status === 401 ? 'This token is not valid.' : failure.message);
      },
    });
  }

  /** The message is announced (role=alert) and the field keeps the focus, ready for another try. */
  private fail(message: string): void {
    this.error.set(message);
    this.input().nativeElement.focus();
  }
}
