import { jest } from '@jest/globals';
import { InteractivityChecker } from '@angular/cdk/a11y';
import { Dialog } from '@angular/cdk/dialog';
import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { Injectable, signal } from '@angular/core';
import { DeferBlockBehavior, TestBed } from '@angular/core/testing';
import { renderDeferred } from './testing/deferred';
import { FirstScreen } from './core/first-screen';
import { Router, provideRouter } from '@angular/router';
import type { AccessDto, HealthDto } from '@storyflow/contracts';
import { NEVER } from 'rxjs';
import { App } from './app';
import { routes } from './app.routes';
import { authInterceptor } from './core/access/auth-interceptor';
import { TokenStore } from './core/access/token-store';
import { EMPTY_STATS_VIEW, StatsStream } from './realtime/stats-stream';
import type { StatsView } from './realtime/stats-window';

@Injectable()
class LaidOutChecker extends InteractivityChecker {
  override isVisible(): boolean {
    return true;
  }
}

const OPERATOR: AccessDto = { role: 'operator', readsNeedToken: false, mutationsNeedToken: true };
const VIEWER: AccessDto = { role: 'viewer', readsNeedToken: false, mutationsNeedToken: true };

describe('App shell', () => {
  const view = signal<StatsView>(EMPTY_STATS_VIEW);
  let http: HttpTestingController;

  beforeEach(() => {
    sessionStorage.clear();
    view.set(EMPTY_STATS_VIEW);
    TestBed.configureTestingModule({
      imports: [App],
      deferBlockBehavior: DeferBlockBehavior.Manual,
      providers: [
        provideRouter(routes),
        provideHttpClient(withInterceptors([authInterceptor])),
        provideHttpClientTesting(),
        { provide: InteractivityChecker, useClass: LaidOutChecker },
        // No navigation happens here: the first screen counts as shown and live at once.
        { provide: FirstScreen, useValue: { shown: Promise.resolve(), live: Promise.resolve(), reportLive: () => undefined } },
        {
          provide: StatsStream,
          useValue: {
            view,
            start: jest.fn(),
            activity: signal(null),
            activity$: NEVER,
            progress: signal(new Map()),
            watch: jest.fn(),
            unwatch: jest.fn(),
          },
        },
      ],
    });
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => TestBed.inject(Dialog).closeAll());

  async function render(access: AccessDto | 'unauthorized' = OPERATOR) {
    const fixture = TestBed.createComponent(App);
    await fixture.whenStable();
    const check = http.expectOne('/api/access');
    if (access === 'unauthorized')
      check.flush(
        { error: { code: 'unauthorized', message: 'A token is required', details: [] } },
        { status: 401, statusText: 'Unauthorized' },
      );
    else check.flush(access);
    await fixture.whenStable();
    await renderDeferred(fixture);
    return { fixture, el: fixture.nativeElement as HTMLElement };
  }

  it('has the navigation, the generator panel and the database mode in the footer', async () => {
    const { fixture, el } = await render();
    const links = Array.from(el.querySelectorAll('nav a')).map((a) => a.textContent?.trim());
    expect(links).toEqual(['Stats', 'Stories', 'Audit log']);
    expect(el.querySelector('[data-testid="generator-toggle"]')?.textContent?.trim()).toBe('Start generator');
    // The generator is a named region, not a heading before the page's h1.
    expect(el.querySelector('section[aria-label="Load generator"]')).not.toBeNull();
    expect(el.querySelector('sf-generator-panel h2')).toBeNull();

    const health: HealthDto = {
      status: 'ok',
      problems: [],
      accepting: true,
      db: { mode: 'embedded-memory', state: 'connected', durable: false },
      uptimeSec: 3,
    };
    http.expectOne('/api/health').flush(health);
    await fixture.whenStable();
    expect(el.querySelector('[data-testid="db-mode"]')?.textContent).toBe('Database: in-memory database — data is lost on restart');
    expect(el.querySelector('[data-testid="role"]')?.textContent).toBe('Operator');
    expect(el.querySelector('[data-testid="health-problems"]')).toBeNull();
  });

  it('says in the footer what the server reports wrong (Redis away: what is refused)', async () => {
    const { fixture, el } = await render();
    const degraded: HealthDto = {
      status: 'degraded',
      problems: ['redis: unavailable'],
      accepting: true,
      db: { mode: 'external', state: 'connected', durable: true },
      redis: { state: 'unavailable', since: 0 },
      uptimeSec: 3,
    };
    http.expectOne('/api/health').flush(degraded);
    await fixture.whenStable();
    const note = el.querySelector('[data-testid="health-problems"]');
    expect(note?.getAttribute('role')).toBe('status');
    expect(note?.textContent).toContain('Redis unavailable: new stories and pause are refused');
  });

  it('hides the generator (and the audit log) from a viewer, saying why', async () => {
    const { el } = await render(VIEWER);
    expect(el.querySelector('[data-testid="generator-toggle"]')).toBeNull();
    expect(Array.from(el.querySelectorAll('nav a')).map((a) => a.textContent?.trim())).toEqual(['Stats', 'Stories']);
    expect(el.querySelector('[data-testid="operator-note"]')?.textContent).toContain('need the operator token');
    expect(el.querySelector('[data-testid="role"]')?.textContent).toBe('Viewer');
  });

  it('asks for a token when the server wants one; after Cancel a banner offers it again', async () => {
    const { fixture, el } = await render('unauthorized');
    await new Promise((r) => setTimeout(r));
    expect(document.querySelector('[data-testid="token-dialog"]')).not.toBeNull();
    document.querySelector('#access-token')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', keyCode: 27, bubbles: true }));
    await fixture.whenStable();
    expect(document.querySelector('[data-testid="token-dialog"]')).toBeNull();
    const banner = el.querySelector('[data-testid="token-banner"]')!;
    expect(banner.textContent).toContain('needs a viewer or operator token');
    banner.querySelector('button')!.click();
    await fixture.whenStable();
    expect(document.querySelector('[data-testid="token-dialog"]')).not.toBeNull();
  });

  it('asks the server again when the live connection is refused', async () => {
    const { fixture } = await render();
    view.set({ ...EMPTY_STATS_VIEW, connection: 'unauthorized', refusal: 'The token is not valid' });
    await fixture.whenStable();
    http.expectOne('/api/access');
  });

  it('asks the server for its settings again when the live feed comes back (it may have restarted)', async () => {
    const { fixture } = await render();
    expect(http.match('/api/info')).toHaveLength(1);
    view.set({ ...EMPTY_STATS_VIEW, connection: 'live' });
    await fixture.whenStable();
    http.expectNone('/api/info');
    // A short outage, gone before the next render: its count says so all the same.
    view.set({ ...EMPTY_STATS_VIEW, connection: 'live', reconnects: 1 });
    await fixture.whenStable();
    expect(http.match('/api/info')).toHaveLength(1);
  });

  it('forgets the token on request', async () => {
    TestBed.inject(TokenStore).set('op');
    const { fixture, el } = await render();
    el.querySelector<HTMLButtonElement>('[data-testid="forget-token"]')!.click();
    await fixture.whenStable();
    expect(sessionStorage.getItem('storyflow.token')).toBeNull();
    expect(http.expectOne('/api/access').request.headers.has('Authorization')).toBe(false);
  });

  it('says so when processing is paused, with Resume for an operator', async () => {
    const { fixture, el } = await render();
    const figures = { producedPerSec: 0, completedPerSec: 0, open: 1, completed: 2, poolSize: 4, busyWorkers: 0, backlogTasks: 9 };
    view.set({ ...EMPTY_STATS_VIEW, connection: 'live', figures: { ...figures, paused: true } });
    await fixture.whenStable();
    http.expectOne('/api/processing').flush({ paused: true, since: Date.UTC(2026, 0, 1, 12, 0, 0) });
    await fixture.whenStable();
    const banner = el.querySelector('[data-testid="paused-banner"]')!;
    expect(banner.textContent).toContain('Paused');
    // In the header, which is always there: it does not push the page down.
    expect(banner.closest('header')).not.toBeNull();
    banner.querySelector<HTMLButtonElement>('[data-testid="resume-processing"]')!.click();
    const put = http.expectOne((r) => r.method === 'PUT' && r.url === '/api/processing');
    expect(put.request.body).toEqual({ paused: false });
  });

  it('names a breached objective, its value, target and since when, in the header, while the figures are live', async () => {
    const { fixture, el } = await render();
    const figures = { producedPerSec: 0, completedPerSec: 0, open: 1, completed: 2, poolSize: 4, busyWorkers: 0, backlogTasks: 9 };
    const since = new Date(2026, 0, 1, 12, 30, 5).getTime();
    const alerts = [{ name: 'story_p99' as const, target: 100, value: 500, since, windowSec: 60 }];
    view.set({ ...EMPTY_STATS_VIEW, connection: 'live', figures: { ...figures, alerts } });
    await fixture.whenStable();
    const banner = el.querySelector('[data-testid="alert-banner"]')!;
    expect(banner.textContent?.replace(/\s+/g, ' ').trim()).toBe(
      'Story latency p99 500 > 100 ms since 12:30:05: objective breached over a 60 s window',
    );
    expect(banner.closest('header')).not.toBeNull();
    // Not live: the last figures claim nothing.
    view.set({ ...EMPTY_STATS_VIEW, connection: 'offline', figures: { ...figures, alerts } });
    await fixture.whenStable();
    expect(el.querySelector('[data-testid="alert-banner"]')).toBeNull();
  });

  it('the skip link moves the focus to the main content without leaving the page', async () => {
    const { el } = await render();
    const router = TestBed.inject(Router);
    const url = router.url;
    el.querySelector<HTMLAnchorElement>('.skip-link')!.click();
    expect(document.activeElement).toBe(el.querySelector('main'));
    expect(router.url).toBe(url);
  });

  it('moves the focus to the heading of a new screen once drawn, not for a change of the query alone', async () => {
    const { fixture, el } = await render();
    const router = TestBed.inject(Router);
    await router.navigateByUrl('/no/such/page');
    await fixture.whenStable();
    await router.navigateByUrl('/stories');
    await fixture.whenStable();
    expect(document.activeElement).toBe(el.querySelector('main h1'));
    expect(document.activeElement?.textContent).toBe('Stories');
    const filter = el.querySelector<HTMLButtonElement>('[data-testid="filter-Done"]')!;
    filter.focus();
    await router.navigateByUrl('/stories?status=Done');
    await fixture.whenStable();
    expect(document.activeElement).toBe(filter);
  });

  it('shows a not-found page for unknown addresses', async () => {
    const { fixture, el } = await render();
    await TestBed.inject(Router).navigateByUrl('/no/such/page?x=1');
    await fixture.whenStable();
    expect(el.querySelector('h1')?.textContent).toBe('Page not found');
    expect(el.querySelector('[data-testid="not-found-path"]')?.textContent).toBe('/no/such/page');
  });
});
