import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { AccessService } from './access/access';
import { Processing } from './processing';

/**
 * Says, on every screen, that the server's processing is paused, since when, and offers Resume to an
 * operator. It sits in the header, which is always there: appearing does not push the page down (the
 * Pause button the operator just pressed stays under the pointer).
 */
@Component({
  selector: 'sf-paused-banner',
  imports: [DatePipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { 'data-testid': 'paused-banner', role: 'status' },
  template: `
    <span [title]="'No new tasks start; stories stay Open until processing resumes.'">
      <strong>Paused</strong>
      @if (since(); as s) {
        <span class="since"> since {{ s | date: 'HH:mm:ss' }}</span>
      }
      <span class="sr-only">: no new tasks start; stories stay Open until processing resumes.</span>
    </span>
    @if (access.canMutate()) {
      <button
        type="button"
        class="btn btn-small"
        data-testid="resume-processing"
        [attr.aria-disabled]="processing.busy()"
        (click)="processing.setPaused(false)"
      >
        Resume<span class="wide"> processing</span>
      </button>
    }
  `,
  styles: `
    :host {
      display: inline-flex;
      align-items: center;
      gap: 0.5rem;
      padding: 0.15rem 0.2rem 0.15rem 0.65rem;
      border-radius: 999px;
      background: var(--warn-bg);
      color: var(--warn-ink);
      font-size: 0.85rem;
    }
    .btn {
      border-radius: 999px;
    }
    @media (max-width: 720px) {
      .since,
      .wide {
        display: none;
      }
    }
  `,
})
export class PausedBanner {
  protected readonly access = inject(AccessService);
  protected readonly processing = inject(Processing);
  /** From the last GET /api/processing (the live samples say only whether). */
  protected readonly since = computed(() => {
    const state = this.processing.state();
    return state?.paused ? state.since : null;
  });
}
