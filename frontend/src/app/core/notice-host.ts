import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { RouterLink } from '@angular/router';
import { Notices } from './notices';

/**
 * Where notices appear: one polite live region (present from the start, so screen readers announce
 * what is added), bottom right on wide screens, above the bottom edge on phones.
 */
@Component({
  selector: 'sf-notice-host',
  imports: [RouterLink],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: {
    '(mouseenter)': 'notices.hold()',
    '(mouseleave)': 'notices.release()',
    '(focusin)': 'notices.hold()',
    '(focusout)': 'notices.release()',
  },
  template: `
    <div class="notices" role="status" aria-live="polite">
      @for (notice of notices.items(); track notice.id) {
        <div class="notice" [attr.data-tone]="notice.tone" data-testid="notice">
          <span class="text">{{ notice.text }}</span>
          @if (notice.link; as link) {
            <a [routerLink]="link.commands" (click)="notices.dismiss(notice.id)">{{ link.label }}</a>
          }
          @if (notice.action; as action) {
            <button type="button" class="btn btn-small btn-on-dark" (click)="notices.act(notice.id)">{{ action.label }}</button>
          }
          <button type="button" class="dismiss" aria-label="Dismiss notice" (click)="notices.dismiss(notice.id)">×</button>
        </div>
      }
    </div>
  `,
  styles: `
    .notices {
      position: fixed;
      right: 1rem;
      bottom: 1rem;
      z-index: 20;
      display: flex;
      flex-direction: column;
      align-items: flex-end;
      gap: 0.5rem;
      max-width: min(28rem, calc(100vw - 2rem));
      pointer-events: none;
    }
    .notice {
      pointer-events: auto;
      display: flex;
      align-items: center;
      flex-wrap: wrap;
      gap: 0.25rem 0.75rem;
      background: var(--notice-bg);
      color: #fff;
      padding: 0.45rem 0.5rem 0.45rem 0.9rem;
      border-radius: 8px;
      font-size: 0.9rem;
      box-shadow: 0 6px 18px rgba(0, 0, 0, 0.25);
    }
    .notice[data-tone='error'] {
      background: var(--bad-strong);
    }
    .text {
      flex: 1 1 12rem;
    }
    a {
      color: #fff;
      font-weight: 600;
    }
    .dismiss {
      font: inherit;
      font-size: 1.2rem;
      line-height: 1;
      background: transparent;
      color: #fff;
      border: 0;
      border-radius: 4px;
      padding: 0.15rem 0.45rem;
      cursor: pointer;
    }
    @media (max-width: 720px) {
      .notices {
        left: 0.5rem;
        right: 0.5rem;
        bottom: 0.5rem;
        max-width: none;
        align-items: stretch;
      }
    }
  `,
})
export class NoticeHost {
  protected readonly notices = inject(Notices);
}
