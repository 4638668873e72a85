import { DialogRef } from '@angular/cdk/dialog';
import { ChangeDetectionStrategy, Component, inject } from '@angular/core';

/** The id of the dialog's heading, which names it (`ariaLabelledBy` when opened). */
export const DELETE_DONE_TITLE_ID = 'confirm-title';

/**
 * Asks before deleting every Done story. Opened through CDK's Dialog (focus trapped, Cancel focused
 * first, Escape closes, focus restored); closes with `true` only when the deletion is confirmed.
 */
@Component({
  selector: 'sf-delete-done-dialog',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { 'data-testid': 'confirm-dialog' },
  template: `
    <h2 [id]="titleId">Delete all Done stories?</h2>
    <p>Finished stories are removed for good. Open stories and the completed count stay.</p>
    <div class="dialog-actions">
      <button type="button" class="btn" data-testid="confirm-cancel" (click)="ref.close(false)">Cancel</button>
      <button type="button" class="btn btn-danger" data-testid="confirm-delete" (click)="ref.close(true)">Delete</button>
    </div>
  `,
  styles: `
    :host {
      display: block;
      background: var(--panel);
      color: var(--text);
      border: 1px solid var(--line);
      border-radius: 10px;
      padding: 1.25rem;
      box-shadow: 0 12px 32px rgba(22, 33, 61, 0.25);
    }
    h2 {
      margin-top: 0;
    }
    .dialog-actions {
      display: flex;
      justify-content: flex-end;
      gap: 0.5rem;
    }
  `,
})
export class DeleteDoneDialog {
  protected readonly ref = inject<DialogRef<boolean>>(DialogRef);
  protected readonly titleId = DELETE_DONE_TITLE_ID;
}
