import type { Route, Routes } from '@angular/router';
import { deferredParts, withParts } from './core/idle-preloading';
import { prefetchFirstPage } from './stories/list/list-prefetch';

const chartCanvas = () => import('./stats/chart-canvas');

export const routes: Routes = [
  { path: '', pathMatch: 'full', redirectTo: 'stats' },
  {
    path: 'stats',
    title: 'Stats · Storyflow',
    // The charts' code (Chart.js, deferred past the figures) is fetched beside the screen's, not after it:
    // the screen is not live before its chart is drawn.
    loadComponent: () => withParts(import('./stats/stats-page'), chartCanvas).then((m) => m.StatsPage),
    // What the screen defers past its heading, preloaded with it (the screen then works offline too).
    data: deferredParts(chartCanvas),
  },
  {
    path: 'stories',
    title: 'Stories · Storyflow',
    loadComponent: () => import('./stories/stories-page').then((m) => m.StoriesPage),
    // The first page is asked for while the screen's code loads, not once the list is there to ask.
    resolve: { firstPage: prefetchFirstPage },
    data: deferredParts(
      () => import('./stories/story-form'),
      () => import('./stories/confirm-dialog'),
      () => import('@angular/cdk/dialog'),
    ),
  },
  {
    path: 'stories/:id',
    title: 'Story · Storyflow',
    loadComponent: () => import('./stories/detail/story-detail-page').then((m) => m.StoryDetailPage),
  },
  {
    path: 'audit',
    title: 'Audit log · Storyflow',
    loadComponent: () => import('./audit/audit-page').then((m) => m.AuditPage),
  },
  { path: '**', title: 'Not found · Storyflow', loadComponent: () => import('./not-found/not-found-page').then((m) => m.NotFoundPage) },
];

/**
 * Starts fetching the code of the screen at `path` (a top-level route, after its redirect), before the app
 * is bootstrapped: the router asks for the same modules a little later and gets them as they are (one fetch).
 */
export function prefetchScreen(path: string, table: Routes = routes): void {
  const segments = path.split(/[?#]/)[0].split('/').filter(Boolean);
  const matches = (route: Route) => {
    const parts = (route.path ?? '').split('/').filter(Boolean);
    return parts.length === segments.length && parts.every((part, i) => part.startsWith(':') || part === segments[i]);
  };
  let route = table.find(matches);
  if (typeof route?.redirectTo === 'string') {
    const to = route.redirectTo.split('/').filter(Boolean);
    route = table.find((r) => (r.path ?? '') === to.join('/'));
  }
  const loading = route?.loadComponent?.();
  // A failure is the router's to report, when it asks for the same code.
  if (loading instanceof Promise) loading.catch(() => undefined);
}
