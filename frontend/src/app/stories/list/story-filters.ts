import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, input, linkedSignal, output } from '@angular/core';
import type { StoryCountsDto } from '@storyflow/contracts';
import { SEARCH_QUERY_MAX_LENGTH } from '@storyflow/contracts/limits';
import { Subject, debounceTime } from 'rxjs';
import { STATUS_FILTERS, type StatusFilter } from './list-query';

/** Typing pauses this long before the search runs (Enter runs it at once). */
export const SEARCH_DEBOUNCE_MS = 400;

/** Status filter buttons with their counts, and the search by id or title. */
@Component({
  selector: 'sf-story-filters',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="filters" role="group" aria-label="Filter by status">
      @for (f of filters; track f) {
        <button
          type="button"
          class="btn btn-small"
          [class.selected]="status() === f"
          [attr.aria-pressed]="status() === f"
          [attr.data-testid]="'filter-' + f"
          (click)="statusChange.emit(f)"
        >
          {{ f }} <span class="n" [attr.data-testid]="'count-' + f">{{ countOf(f) }}</span>
        </button>
      }
    </div>
    <form class="search" role="search" (submit)="$event.preventDefault(); runSearch()">
      <label for="story-search">Search</label>
      <input
        id="story-search"
        type="search"
        placeholder="Story id or title"
        autocomplete="off"
        spellcheck="false"
        [maxLength]="maxLength"
        [value]="text()"
        (input)="typed($any($event.target).value)"
        aria-describedby="story-search-hint"
      />
      <span id="story-search-hint" class="sr-only">Searches by a story's id or by text in its title; results update as you type.</span>
    </form>
  `,
  styles: `
    :host {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      justify-content: space-between;
      gap: 0.5rem 1rem;
    }
    .filters {
      display: inline-flex;
      gap: 0.25rem;
    }
    /* Fixed widths: counts change every second and must not shift the buttons next to them. */
    .filters .btn {
      min-width: 6.5rem;
      font-variant-numeric: tabular-nums;
    }
    .filters .selected {
      background: var(--accent);
      border-color: var(--accent);
      color: var(--on-accent);
    }
    .n {
      font-weight: 500;
      opacity: 0.85;
    }
    .search {
      display: flex;
      align-items: center;
      gap: 0.5rem;
    }
    .search label {
      font-size: 0.9rem;
      font-weight: 600;
    }
    .search input {
      width: 16rem;
    }
    @media (max-width: 720px) {
      .filters,
      .search {
        flex: 1 1 100%;
      }
      .filters .btn {
        flex: 1;
        min-width: 0;
        padding-inline: 0.25rem;
      }
      .search input {
        flex: 1;
        width: auto;
      }
    }
  `,
})
export class StoryFilters {
  readonly status = input.required<StatusFilter>();
  readonly q = input.required<string>();
  readonly counts = input.required<StoryCountsDto | null>();
  readonly statusChange = output<StatusFilter>();
  /** `replace`: a search while typing replaces the history entry rather than adding one per pause. */
  readonly search = output<{ q: string; replace: boolean }>();

  protected readonly filters = STATUS_FILTERS;
  protected readonly maxLength = SEARCH_QUERY_MAX_LENGTH;
  /**
   * What the field says (a plain input: the list screen loads without Angular's forms). The URL is the
   * truth (Back, a shared link): a new `q` replaces what was typed, unless that says the same already
   * (the spaces the user is typing stay).
   */
  protected readonly text = linkedSignal<string, string>({
    source: this.q,
    computation: (q, previous) => (previous !== undefined && previous.value.trim() === q.trim() ? previous.value : q),
  });
  private readonly typing = new Subject<void>();
  private readonly countsByFilter = computed(() => {
    const c = this.counts();
    return { All: c?.all, Open: c?.Open, Done: c?.Done };
  });

  constructor() {
    const sub = this.typing.pipe(debounceTime(SEARCH_DEBOUNCE_MS)).subscribe(() => this.emitIfChanged(true));
    inject(DestroyRef).onDestroy(() => sub.unsubscribe());
  }

  protected countOf(filter: StatusFilter): string {
    const n = this.countsByFilter()[filter];
    return n === undefined ? '' : `(${n.toLocaleString('en-US')})`;
  }

  protected typed(value: string): void {
    this.text.set(value);
    this.typing.next();
  }

  protected runSearch(): void {
    this.emitIfChanged(false);
  }

  private emitIfChanged(replace: boolean): void {
    const q = this.text().trim();
    if (q !== this.q().trim()) this.search.emit({ q, replace });
  }
}
