import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';

/**
 * Previous / page x of y / Next. Shown above and below the list (on a phone the bottom is far away).
 * The buttons are aria-disabled rather than disabled at the ends, so the focus stays on them.
 */
@Component({
  selector: 'sf-list-pager',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <nav class="pager" [attr.aria-label]="label()">
      <button
        type="button"
        class="btn btn-small"
        data-testid="page-prev"
        [attr.aria-disabled]="page() <= 1"
        (click)="page() > 1 && goTo.emit(page() - 1)"
      >
        Previous
      </button>
      <span data-testid="page-info">Page {{ page() }} of {{ pages() }}</span>
      <button
        type="button"
        class="btn btn-small"
        data-testid="page-next"
        [attr.aria-disabled]="page() >= pages()"
        (click)="page() < pages() && goTo.emit(page() + 1)"
      >
        Next
      </button>
    </nav>
  `,
  styles: `
    .pager {
      display: flex;
      align-items: center;
      justify-content: center;
      gap: 1rem;
      font-size: 0.9rem;
      font-variant-numeric: tabular-nums;
    }
  `,
})
export class ListPager {
  readonly page = input.required<number>();
  readonly pages = input.required<number>();
  readonly label = input.required<string>();
  readonly goTo = output<number>();
}
