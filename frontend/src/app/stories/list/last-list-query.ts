import { Injectable, effect, signal, untracked, type Signal } from '@angular/core';
import { DEFAULT_LIST_QUERY, toQueryParams, type ListQuery } from './list-query';

/** The list's last query, so the detail page's "Back to stories" returns to the same filter, page and search. */
@Injectable({ providedIn: 'root' })
export class LastListQuery {
  private readonly last = signal<ListQuery>(DEFAULT_LIST_QUERY);
  readonly queryParams = () => toQueryParams(this.last());

  /** Keeps following `query` while the calling component lives. */
  follow(query: Signal<ListQuery>): void {
    effect(() => {
      const q = query();
      untracked(() => this.last.set(q));
    });
  }
}
