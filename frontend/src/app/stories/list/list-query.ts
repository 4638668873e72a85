import type { ParamMap, Params } from '@angular/router';
import { PAGE_LIMIT_DEFAULT, SEARCH_QUERY_MAX_LENGTH } from '@storyflow/contracts/limits';
import type { StoryStatus } from '@storyflow/contracts';
import type { StoryListQuery } from '../../core/stories-api';

export type StatusFilter = 'All' | StoryStatus;
export const STATUS_FILTERS: readonly StatusFilter[] = ['All', 'Open', 'Done'];

/** The list's state that lives in the URL (`/stories?status=Done&page=2&q=nightly`). */
export interface ListQuery {
  status: StatusFilter;
  page: number;
  q: string;
}

export const DEFAULT_LIST_QUERY: ListQuery = { status: 'All', page: 1, q: '' };

/** Reads the URL's query; anything unreadable falls back to the default (a hand-edited URL never breaks the list). */
export function readListQuery(params: ParamMap): ListQuery {
  const status = params.get('status');
  const page = Number(params.get('page') ?? '1');
  return {
    status: status === 'Open' || status === 'Done' ? status : 'All',
    page: Number.isInteger(page) && page >= 1 && page <= 1_000_000 ? page : 1,
    q: (params.get('q') ?? '').slice(0, SEARCH_QUERY_MAX_LENGTH),
  };
}

/** Query params for the router: defaults are left out, so `/stories` stays clean. */
export function toQueryParams(query: ListQuery): Params {
  return {
    status: query.status === 'All' ? null : query.status,
    page: query.page === 1 ? null : query.page,
    q: query.q.trim() === '' ? null : query.q.trim(),
  };
}

/** The request for a page of the list: the server's parameters for `query`. */
export function listRequest(query: ListQuery, limit = PAGE_LIMIT_DEFAULT): StoryListQuery {
  return { status: query.status === 'All' ? null : query.status, page: query.page, limit, q: query.q };
}
