import type { Routes } from '@angular/router';
import { deferredParts } from './core/idle-preloading';

export const routes: Routes = [
  { path: '', pathMatch: 'full', redirectTo: 'stats' },
  {
    path: 'stats',
    title: 'Stats · Storyflow',
    loadComponent: () => import('./stats/stats-page').then((m) => m.StatsPage),
    // What the screen defers past its heading, preloaded with it (the screen then works offline too).
    data: deferredParts(() => import('./stats/chart-canvas')),
  },
  {
    path: 'stories',
    title: 'Stories · Storyflow',
    loadComponent: () => import('./stories/stories-page').then((m) => m.StoriesPage),
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
  { path: '**', title: 'Not found · Storyflow', loadComponent: () => import('./not-found/not-found-page').then((m) => m.NotFoundPage) },
];
