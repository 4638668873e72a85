import { Injectable, computed, signal, type Signal } from '@angular/core';
import { DEFAULT_LIST_QUERY, toQueryParams, type ListQuery } from './list-query';

/** The list's last query, so the detail page's "Back to stories" returns to the same filter, page and search. */
@Injectable({ providedIn: 'root' })
export class LastListQuery {
  /** The query of the list shown last: once that list is gone, its signal keeps the last value it had. */
  private readonly source = signal<Signal<ListQuery>>(signal(DEFAULT_LIST_QUERY));
  readonly queryParams = computed(() => toQueryParams(this.source()()));

  /** From now on the list's query is `query`'s (the list on screen calls this). */
  follow(query: Signal<ListQuery>): void {
    this.source.set(query);
  }
}
