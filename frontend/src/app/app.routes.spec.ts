import { describe, expect, it, jest } from '@jest/globals';
import { TestBed } from '@angular/core/testing';
import { convertToParamMap, type ActivatedRouteSnapshot, type ResolveFn, type RouterStateSnapshot, type Routes } from '@angular/router';
import { StoriesApi } from './core/stories-api';
import { prefetchScreen, routes } from './app.routes';

describe('prefetchScreen (the first screen’s code, fetched before the app bootstraps)', () => {
  const table = () => {
    const load = { stats: jest.fn(() => Promise.resolve(class {})), list: jest.fn(() => Promise.resolve(class {})) };
    const detail = jest.fn(() => Promise.reject(new Error('offline')));
    const t: Routes = [
      { path: '', pathMatch: 'full', redirectTo: 'stats' },
      { path: 'stats', loadComponent: load.stats },
      { path: 'stories', loadComponent: load.list },
      { path: 'stories/:id', loadComponent: detail },
      { path: '**', loadComponent: jest.fn(() => Promise.resolve(class {})) },
    ];
    return { t, load, detail };
  };

  it('loads the route the path names, after its redirect, params matched', async () => {
    const { t, load, detail } = table();
    prefetchScreen('/stories', t);
    prefetchScreen('/', t);
    prefetchScreen('/stories/0123456789abcdef01234567?x=1', t);
    expect([load.list.mock.calls.length, load.stats.mock.calls.length, detail.mock.calls.length]).toEqual([1, 1, 1]);
    // A failure is left to the router (no unhandled rejection).
    await Promise.resolve();
  });

  it('loads nothing for a path no route names', () => {
    const { t, load, detail } = table();
    prefetchScreen('/nowhere/at/all', t);
    expect([load.list.mock.calls.length, load.stats.mock.calls.length, detail.mock.calls.length]).toEqual([0, 0, 0]);
  });

  it('names a lazy screen for each of the app’s top-level paths', () => {
    for (const path of ['stats', 'stories', 'stories/:id', 'audit'])
      expect(routes.find((r) => r.path === path)?.loadComponent).toEqual(expect.any(Function));
  });

  it('asks for the stories screen’s first page as the navigation starts, as the URL has it, without waiting', () => {
    const prefetchList = jest.fn();
    TestBed.configureTestingModule({ providers: [{ provide: StoriesApi, useValue: { prefetchList } }] });
    const resolve = routes.find((r) => r.path === 'stories')!.resolve!['firstPage'] as ResolveFn<unknown>;
    const route = { queryParamMap: convertToParamMap({ status: 'Done', page: '2', q: 'nightly' }) } as ActivatedRouteSnapshot;
    const value = TestBed.runInInjectionContext(() => resolve(route, {} as RouterStateSnapshot));
    expect(value).toBeNull();
    expect(prefetchList).toHaveBeenCalledWith({ status: 'Done', page: 2, limit: 20, q: 'nightly' });
  });
});
