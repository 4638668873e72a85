import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { AccessService } from './access/access';
import { Processing } from './processing';

/** Says, on every screen, that the server's processing is paused, since when, and offers Resume to an operator. */
@Component({
  selector: 'sf-paused-banner',
  imports: [DatePipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'banner banner-warn', 'data-testid': 'paused-banner' },
  template: `
    <div class="banner-inner">
      <span>
        <strong>Processing is paused</strong>
        @if (since(); as s) {
          since {{ s | date: 'HH:mm:ss' }}
        }
        — no new tasks start; stories stay Open until it resumes.
      </span>
      @if (access.canMutate()) {
        <button
          type="button"
          class="btn btn-small"
          data-testid="resume-processing"
          [attr.aria-disabled]="processing.busy()"
          (click)="processing.setPaused(false)"
        >
          Resume processing
        </button>
      }
    </div>
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
