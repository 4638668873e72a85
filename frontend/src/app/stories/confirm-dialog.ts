import { DIALOG_DATA, DialogRef } from '@angular/cdk/dialog';
import { ChangeDetectionStrategy, Component, inject } from '@angular/core';

export interface ConfirmData {
  title: string;
  body: string;
  /** The confirming button's label, e.g. "Delete 3 stories". */
  confirm: string;
}

/** The id of the dialog's heading, which names it (`ariaLabelledBy` when opened). */
export const CONFIRM_TITLE_ID = 'confirm-title';

/**
 * Asks before a deletion that cannot be undone. Opened through CDK's Dialog (focus trapped, Cancel
 * focused first, Escape closes, focus restored); closes with `true` only when confirmed.
 */
@Component({
  selector: 'sf-confirm-dialog',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'sf-dialog', 'data-testid': 'confirm-dialog' },
  template: `
    <h2 [id]="titleId">{{ data.title }}</h2>
    <p>{{ data.body }}</p>
    <div class="dialog-actions">
      <button type="button" class="btn" data-testid="confirm-cancel" (click)="ref.close(false)">Cancel</button>
      <button type="button" class="btn btn-danger" data-testid="confirm-delete" (click)="ref.close(true)">{{ data.confirm }}</button>
    </div>
  `,
})
export class ConfirmDialog {
  protected readonly ref = inject<DialogRef<boolean>>(DialogRef);
  protected readonly data = inject<ConfirmData>(DIALOG_DATA);
  protected readonly titleId = CONFIRM_TITLE_ID;
}
