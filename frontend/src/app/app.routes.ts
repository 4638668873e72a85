import type { Routes } from '@angular/router';

export const routes: Routes = [
  { path: '', pathMatch: 'full', redirectTo: 'stats' },
  { path: 'stats', title: 'Stats · Storyflow', loadComponent: () => import('./stats/stats-page').then((m) => m.StatsPage) },
  { path: 'stories', title: 'Stories · Storyflow', loadComponent: () => import('./stories/stories-page').then((m) => m.StoriesPage) },
  {
    path: 'stories/:id',
    title: 'Story · Storyflow',
    loadComponent: () => import('./stories/detail/story-detail-page').then((m) => m.StoryDetailPage),
  },
  { path: '**', title: 'Not found · Storyflow', loadComponent: () => import('./not-found/not-found-page').then((m) => m.NotFoundPage) },
];
