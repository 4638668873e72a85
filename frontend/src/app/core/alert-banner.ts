import { DatePipe, DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { OBJECTIVES } from '@storyflow/contracts/realtime';
import type { AlertDto } from '@storyflow/contracts/stats';

/**
 * Says, on every screen, which objective (SLO_*) is breached: its value, its target and since when. It
 * sits in the header beside the paused pill, which is always there: appearing pushes nothing down.
 */
@Component({
  selector: 'sf-alert-banner',
  imports: [DatePipe, DecimalPipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { 'data-testid': 'alert-banner', role: 'status' },
  template: `
    @for (alert of alerts(); track alert.name) {
      <span class="alert" [attr.data-objective]="alert.name">
        <strong [attr.data-short]="objectives[alert.name].short"
          ><span class="label">{{ objectives[alert.name].label }}</span></strong
        >
        {{ alert.value === null ? 'n/a' : (alert.value | number: '1.0-1') }}
        &gt; {{ alert.target | number }} {{ objectives[alert.name].unit }}
        <span class="since">since {{ alert.since | date: 'HH:mm:ss' }}</span>
        <span class="sr-only">: objective breached over a {{ alert.windowSec }} s window</span>
      </span>
    }
  `,
  styles: `
    :host {
      display: inline-flex;
      flex-wrap: wrap;
      gap: 0.35rem;
    }
    .alert {
      padding: 0.15rem 0.65rem;
      border-radius: 999px;
      background: var(--bad-bg);
      color: var(--bad);
      font-size: 0.85rem;
      white-space: nowrap;
    }
    /* On a phone the pill fits the header's one row beside the navigation: a short label drawn by CSS
       (no second copy in the text; its alt text is empty), no time; screen readers still hear the label. */
    @media (max-width: 720px) {
      .since {
        display: none;
      }
      strong::before {
        content: attr(data-short) / '';
      }
      .label {
        position: absolute;
        width: 1px;
        height: 1px;
        overflow: hidden;
        clip-path: inset(50%);
        white-space: nowrap;
      }
    }
  `,
})
export class AlertBanner {
  readonly alerts = input.required<AlertDto[]>();
  protected readonly objectives = OBJECTIVES;
}
