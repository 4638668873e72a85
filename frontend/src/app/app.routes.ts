import type { Routes } from '@angular/router';

export const routes: Routes = [
  { path: '', pathMatch: 'full', redirectTo: 'stats' },
  { path: 'stats', title: 'Stats · Storyflow', loadComponent: () => import('./stats/stats-page').then((m) => m.StatsPage) },
  { path: 'stories', title: 'Stories · Storyflow', loadComponent: () => import('./stories/stories-page').then((m) => m.StoriesPage) },
  { path: '**', redirectTo: 'stats' },
];
