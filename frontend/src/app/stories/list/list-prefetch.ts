import { inject } from '@angular/core';
import type { ResolveFn } from '@angular/router';
import { StoriesApi } from '../../core/stories-api';
import { listRequest, readListQuery } from './list-query';

/**
 * The stories route's resolver: asks for the page the URL shows as the navigation starts, while the screen's
 * code is still loading (the router loads it after its resolvers), and resolves at once (nothing waits for it).
 * The list's first load then takes that answer (StoriesApi.prefetchList).
 */
export const prefetchFirstPage: ResolveFn<null> = (route) => {
  inject(StoriesApi).prefetchList(listRequest(readListQuery(route.queryParamMap)));
  return null;
};
