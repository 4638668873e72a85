import { ChangeDetectionStrategy, Component, inject, input } from '@angular/core';
import { TokenPrompt } from './token-prompt';

/** Stands in for controls a viewer cannot use, saying why and offering the operator token. */
@Component({
  selector: 'sf-operator-note',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'operator-note', 'data-testid': 'operator-note' },
  template: `
    <span>{{ text() }}</span>
    <button type="button" class="btn btn-small" (click)="prompt.open('operator')">Enter operator token</button>
  `,
  styles: `
    :host {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 0.35rem 0.75rem;
      font-size: 0.875rem;
      color: var(--muted);
    }
  `,
})
export class OperatorNote {
  /** Why the controls are missing, e.g. "Creating stories needs the operator token." */
  readonly text = input.required<string>();
  protected readonly prompt = inject(TokenPrompt);
}
