import { DialogRef } from '@angular/cdk/dialog';
import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { SHORTCUTS } from './shortcuts';

export const SHORTCUTS_TITLE_ID = 'shortcuts-title';

/** Every keyboard shortcut (`?`): a modal dialog; Escape or Close returns the focus where it was. */
@Component({
  selector: 'sf-shortcuts-dialog',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'sf-dialog', 'data-testid': 'shortcuts-dialog' },
  template: `
    <h2 [id]="titleId">Keyboard shortcuts</h2>
    <dl>
      @for (shortcut of shortcuts; track shortcut.what) {
        <div>
          <dt>
            @for (key of shortcut.keys; track $index) {
              <kbd>{{ key }}</kbd>
            }
            @if (shortcut.alt; as alt) {
              <span class="or">or</span>
              @for (key of alt; track $index) {
                <kbd>{{ key }}</kbd>
              }
            }
          </dt>
          <dd>{{ shortcut.what }}</dd>
        </div>
      }
    </dl>
    <div class="dialog-actions">
      <button type="button" class="btn" (click)="ref.close()">Close</button>
    </div>
  `,
  styles: `
    dl {
      margin: 0;
    }
    dl > div {
      display: grid;
      grid-template-columns: 8rem 1fr;
      gap: 0.75rem;
      padding: 0.4rem 0;
      border-bottom: 1px solid var(--line);
    }
    dt {
      white-space: nowrap;
    }
    dd {
      margin: 0;
    }
    .or {
      color: var(--muted);
      font-size: 0.8rem;
      margin: 0 0.2rem;
    }
  `,
})
export class ShortcutsDialog {
  protected readonly ref = inject(DialogRef);
  protected readonly titleId = SHORTCUTS_TITLE_ID;
  protected readonly shortcuts = SHORTCUTS;
}
