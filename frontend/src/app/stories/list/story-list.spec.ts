import { jest } from '@jest/globals';
import { InteractivityChecker } from '@angular/cdk/a11y';
import { Dialog } from '@angular/cdk/dialog';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting, type TestRequest } from '@angular/common/http/testing';
import { Component, Injectable, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import type { StoriesActivity, StoryListDto, StoryProgressDto, StorySummaryDto } from '@storyflow/contracts';
import { Subject } from 'rxjs';
import { Notices } from '../../core/notices';
import { EMPTY_STATS_VIEW, StatsStream } from '../../realtime/stats-stream';
import type { StatsView } from '../../realtime/stats-window';
import { LastListQuery } from './last-list-query';
import { SEARCH_DEBOUNCE_MS } from './story-filters';
import { StoryList } from './story-list';

/** jsdom lays nothing out, so CDK would find no element visible, hence none focusable (dialog focus). */
@Injectable()
class LaidOutChecker extends InteractivityChecker {
  override isVisible(): boolean {
    return true;
  }
}

/** Another screen (the detail page) to leave the list for. */
@Component({ template: '' })
class Elsewhere {}

const id = (n: number) => n.toString(16).padStart(24, '0');

function story(n: number, over: Partial<StorySummaryDto> = {}): StorySummaryDto {
  return {
    id: id(n),
    title: `Story ${n}`,
    externalRef: null,
    status: 'Open',
    taskCount: 4,
    doneCount: 1,
    estimateMs: 60,
    criticalPathMs: 20,
    createdAt: '2026-01-01T12:00:00.000Z',
    startedAt: null,
    completedAt: null,
    processingMs: null,
    runningTasks: 0,
    ...over,
  };
}

const list = (items: StorySummaryDto[], total = items.length, counts = { all: total, Open: total, Done: 0 }): StoryListDto => ({
  items,
  total,
  page: 1,
  limit: 20,
  counts,
});

const activity = (over: Partial<StoriesActivity> = {}): StoriesActivity => ({
  t: Date.now() + 1000,
  created: 0,
  completed: 0,
  removed: 0,
  counts: { Open: 5, Done: 2 },
  ...over,
});

describe('StoryList', () => {
  let http: HttpTestingController;
  let harness: RouterTestingHarness;
  const view = signal<StatsView>({ ...EMPTY_STATS_VIEW, connection: 'live' });
  const activitySignal = signal<StoriesActivity | null>(null);
  let activity$: Subject<StoriesActivity>;
  /** As the stream does: the latest in a signal, each one as an event. */
  const pushActivity = (a: StoriesActivity) => {
    activitySignal.set(a);
    activity$.next(a);
  };
  const progress = signal<ReadonlyMap<string, StoryProgressDto>>(new Map());
  const watch = jest.fn();

  beforeEach(() => {
    view.set({ ...EMPTY_STATS_VIEW, connection: 'live' });
    activitySignal.set(null);
    activity$ = new Subject();
    progress.set(new Map());
    watch.mockReset();
    TestBed.configureTestingModule({
      providers: [
        provideRouter([
          { path: 'stories', component: StoryList },
          { path: 'stories/:id', component: Elsewhere },
        ]),
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: InteractivityChecker, useClass: LaidOutChecker },
        {
          provide: StatsStream,
          useValue: { view, activity: activitySignal, activity$, progress, watch, unwatch: jest.fn(), start: jest.fn() },
        },
      ],
    });
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => TestBed.inject(Dialog).closeAll());

  const listRequests = (): TestRequest[] => http.match((r) => r.method === 'GET' && r.url === '/api/stories');
  const el = () => harness.routeNativeElement!;
  const $ = <T extends HTMLElement = HTMLElement>(testId: string) => el().querySelector<T>(`[data-testid="${testId}"]`);
  const $$ = (testId: string) => Array.from(el().querySelectorAll<HTMLElement>(`[data-testid="${testId}"]`));
  const settle = async () => {
    await harness.fixture.whenStable();
    await new Promise((r) => setTimeout(r));
    await harness.fixture.whenStable();
  };

  async function open(url = '/stories', first?: StoryListDto, role: 'operator' | 'viewer' = 'operator') {
    harness = await RouterTestingHarness.create();
    await harness.navigateByUrl(url, StoryList);
    http.match('/api/access').forEach((r) => r.flush({ role, readsNeedToken: false, mutationsNeedToken: true }));
    if (first) {
      listRequests()[0].flush(first);
      await settle();
    }
  }

  it('loads the page the URL names, once: no polling', async () => {
    await open('/stories?status=Done&page=2&q=nightly');
    const [req] = listRequests();
    expect(Object.fromEntries(req.request.params.keys().map((k) => [k, req.request.params.get(k)]))).toEqual({
      status: 'Done',
      page: '2',
      limit: '20',
      q: 'nightly',
    });
    req.flush({ ...list([story(1, { status: 'Done' })], 21, { all: 30, Open: 9, Done: 21 }), page: 2 });
    await settle();
    expect($$('story-row')).toHaveLength(1);
    expect($('filter-Done')!.getAttribute('aria-pressed')).toBe('true');
    expect($<HTMLInputElement>('story-search')).toBeNull();
    expect(el().querySelector<HTMLInputElement>('#story-search')!.value).toBe('nightly');
    expect($$('page-info').map((p) => p.textContent)).toEqual(['Page 2 of 2', 'Page 2 of 2']);
    // Counts of the search, by status, on the filter buttons.
    expect($('count-Open')!.textContent).toBe('(9)');
    await new Promise((r) => setTimeout(r, 1600));
    expect(listRequests()).toHaveLength(0);
  });

  it('keeps its last filter, page and search for the way back, once it is gone', async () => {
    const back = TestBed.inject(LastListQuery);
    expect(back.queryParams()).toEqual({ status: null, page: null, q: null });
    await open('/stories?status=Done&q=nightly', list([story(1)]));
    await harness.navigateByUrl('/stories?status=Done&page=2&q=nightly');
    await settle();
    await harness.navigateByUrl(`/stories/${id(1)}`);
    await settle();
    expect(back.queryParams()).toEqual({ status: 'Done', page: 2, q: 'nightly' });
  });

  it('puts filter and page in the URL', async () => {
    await open('/stories', list([story(1)], 45));
    $<HTMLButtonElement>('filter-Open')!.click();
    await settle();
    expect(TestBed.inject(Router).url).toBe('/stories?status=Open');
    listRequests()[0].flush(list([story(1)], 45));
    await settle();
    $$('page-next')[0].click();
    await settle();
    expect(TestBed.inject(Router).url).toBe('/stories?status=Open&page=2');
    expect(listRequests()[0].request.params.get('page')).toBe('2');
  });

  it('searches by id or title once typing pauses, and on Enter at once', async () => {
    await open('/stories', list([story(1)]));
    const input = el().querySelector<HTMLInputElement>('#story-search')!;
    input.value = 'nigh';
    input.dispatchEvent(new Event('input'));
    await new Promise((r) => setTimeout(r, SEARCH_DEBOUNCE_MS / 2));
    input.value = 'nightly';
    input.dispatchEvent(new Event('input'));
    await new Promise((r) => setTimeout(r, SEARCH_DEBOUNCE_MS + 50));
    await settle();
    expect(TestBed.inject(Router).url).toBe('/stories?q=nightly');
    const [req] = listRequests();
    expect(req.request.params.get('q')).toBe('nightly');
    req.flush(list([]));
    await settle();
    expect(el().textContent).toContain('No story matches “nightly”.');

    input.value = id(7);
    input.dispatchEvent(new Event('input'));
    input.closest('form')!.dispatchEvent(new Event('submit'));
    await settle();
    expect(listRequests()[0].request.params.get('q')).toBe(id(7));
  });

  it('updates rows in place from live progress, watching exactly the rows shown', async () => {
    await open('/stories', list([story(1), story(2)]));
    expect(watch).toHaveBeenLastCalledWith(expect.anything(), [id(1), id(2)]);
    progress.set(
      new Map([
        [
          id(2),
          {
            id: id(2),
            status: 'Open',
            taskCount: 4,
            doneCount: 3,
            runningTasks: 1,
            running: [4],
            startedAt: new Date().toISOString(),
            completedAt: null,
          },
        ],
        [
          id(1),
          { id: id(1), status: 'Deleted', taskCount: 4, doneCount: 1, runningTasks: 0, running: [], startedAt: null, completedAt: null },
        ],
      ]),
    );
    await settle();
    const rows = $$('story-row');
    expect(rows.map((r) => r.getAttribute('data-story-id'))).toEqual([id(1), id(2)]);
    expect(rows[0].querySelector('[data-testid="story-status"]')!.textContent).toBe('Removed');
    expect(rows[0].querySelector('[data-testid="delete-story"]')).toBeNull();
    expect(rows[1].querySelector('[data-testid="story-progress"]')!.textContent).toBe('3/4');
    expect(rows[1].querySelector('[data-testid="story-running"]')!.textContent).toContain('1 running');
    expect(rows[1].querySelector('[data-testid="story-time"]')!.textContent).toMatch(/^running \d+ s/);
  });

  it('collects new stories behind a button instead of moving the rows', async () => {
    await open('/stories', list([story(1)]));
    pushActivity(activity({ created: 2 }));
    await settle();
    pushActivity(activity({ t: Date.now() + 2000, created: 1 }));
    await settle();
    expect($$('story-row')).toHaveLength(1);
    expect(listRequests()).toHaveLength(0);
    const button = $<HTMLButtonElement>('show-new')!;
    expect(button.textContent?.trim()).toBe('Show 3 new stories');
    button.click();
    await settle();
    listRequests()[0].flush(list([story(4), story(3), story(2), story(1)]));
    await settle();
    expect($$('story-row')).toHaveLength(4);
    expect($('show-new')).toBeNull();
    expect(document.activeElement?.id).toBe('list-title');
  });

  it('counts by status live on the filter buttons and on Delete all Done', async () => {
    await open('/stories', list([story(1)], 1, { all: 1, Open: 1, Done: 0 }));
    pushActivity(activity({ counts: { Open: 12, Done: 30 } }));
    await settle();
    expect($('count-All')!.textContent).toBe('(42)');
    expect($('count-Done')!.textContent).toBe('(30)');
    expect($('story-total')!.textContent).toBe('42');
    expect($('delete-done')!.textContent?.trim()).toBe('Delete all Done (30)');
    pushActivity(activity({ t: Date.now() + 5000, counts: { Open: 12, Done: 0 } }));
    await settle();
    const button = $<HTMLButtonElement>('delete-done')!;
    expect(button.getAttribute('aria-disabled')).toBe('true');
    button.click();
    await settle();
    expect(document.querySelector('[data-testid="confirm-dialog"]')).toBeNull();
  });

  it('says when it is not live', async () => {
    await open('/stories', list([story(1)]));
    view.set({ ...EMPTY_STATS_VIEW, connection: 'offline', disconnectedAt: Date.UTC(2026, 0, 1, 12, 0, 0) });
    await settle();
    expect($('list-not-live')!.textContent).toContain('Not live since');
  });

  it('after an outage, loads a list that could not load, and offers to reload one that did', async () => {
    await open('/stories');
    listRequests()[0].error(new ProgressEvent('error'));
    view.set({ ...EMPTY_STATS_VIEW, connection: 'offline', disconnectedAt: Date.now() });
    await settle();
    expect($('list-state')!.textContent).toContain('Could not load the stories: The server cannot be reached.');
    // Not "No stories.": nothing is known.
    expect(el().querySelector('tbody')!.textContent).toContain('Not loaded');
    view.set({ ...EMPTY_STATS_VIEW, connection: 'live', reconnects: 1 });
    await settle();
    listRequests()[0].flush(list([story(1)]));
    await settle();
    expect($$('story-row')).toHaveLength(1);
    expect($('show-new')).toBeNull();

    view.set({ ...EMPTY_STATS_VIEW, connection: 'reconnecting', disconnectedAt: Date.now(), reconnects: 1 });
    await settle();
    view.set({ ...EMPTY_STATS_VIEW, connection: 'live', reconnects: 2 });
    await settle();
    expect(listRequests()).toHaveLength(0);
    $<HTMLButtonElement>('show-new')!.click();
    await settle();
    listRequests()[0].flush(list([story(2), story(1)]));
    await settle();
    expect($$('story-row')).toHaveLength(2);
    expect($('show-new')).toBeNull();
  });

  it('offers the reload after a comeback it never saw as an outage (a short one, between two renders)', async () => {
    await open('/stories', list([story(1)]));
    view.set({ ...EMPTY_STATS_VIEW, connection: 'reconnecting', disconnectedAt: Date.now() });
    view.set({ ...EMPTY_STATS_VIEW, connection: 'live', reconnects: 1 });
    await settle();
    expect(listRequests()).toHaveLength(0);
    expect($('show-new')!.textContent?.trim()).toBe('Reconnected: reload the list');
  });

  it('counts every second of activity, also seconds that arrive together (a background tab)', async () => {
    await open('/stories', list([story(1)]));
    pushActivity(activity({ created: 2 }));
    pushActivity(activity({ t: Date.now() + 2000, created: 1 }));
    pushActivity(activity({ t: Date.now() + 3000, created: 4 }));
    await settle();
    expect($('show-new')!.textContent?.trim()).toBe('Show 7 new stories');
  });

  it('deletes one story: the row stays, marked, and the focus moves to the next story', async () => {
    await open('/stories', list([story(1), story(2)]));
    const first = $$('delete-story')[0] as HTMLButtonElement;
    first.focus();
    first.click();
    http.expectOne((r) => r.method === 'DELETE' && r.url === `/api/stories/${id(1)}`).flush({ deleted: 1 });
    await settle();
    const rows = $$('story-row');
    expect(rows).toHaveLength(2);
    expect(rows[0].querySelector('[data-testid="story-status"]')!.textContent).toBe('Deleted');
    expect(document.activeElement).toBe(rows[1].querySelector('a.story-title'));
    expect(TestBed.inject(Notices).items().at(-1)?.text).toBe('Deleted Story 1.');
  });

  it('runs a Done story again, with Undo', async () => {
    await open('/stories', list([story(1, { status: 'Done', doneCount: 4, processingMs: 1234 })]));
    expect($('story-processing')!.textContent).toBe('took 1.23 s');
    $<HTMLButtonElement>('rerun-story')!.click();
    const rerun = http.expectOne((r) => r.method === 'POST' && r.url === `/api/stories/${id(1)}/rerun`);
    rerun.flush({ ...story(9), tasks: [], running: [] });
    await settle();
    const notices = TestBed.inject(Notices);
    const notice = notices.items().at(-1)!;
    expect(notice.text).toBe('Started a new run of Story 1 (4 tasks).');
    notices.act(notice.id);
    http.expectOne((r) => r.method === 'DELETE' && r.url === `/api/stories/${id(9)}`).flush({ deleted: 1 });
    await settle();
    expect(notices.items().at(-1)?.text).toBe('Undone: removed 1 new run.');
  });

  it('deletes the selected stories after asking, and reports failures', async () => {
    await open('/stories', list([story(1), story(2), story(3)]));
    const boxes = Array.from(el().querySelectorAll<HTMLInputElement>('tbody input[type="checkbox"]'));
    expect(boxes.map((b) => b.getAttribute('aria-label'))).toEqual(['Select Story 1', 'Select Story 2', 'Select Story 3']);
    boxes[0].click();
    boxes[2].click();
    await settle();
    expect($('selected-count')!.textContent).toBe('2 selected');
    $<HTMLButtonElement>('bulk-delete')!.click();
    await settle();
    expect(document.getElementById('confirm-title')?.textContent).toBe('Delete 2 stories?');
    document.querySelector<HTMLButtonElement>('[data-testid="confirm-delete"]')!.click();
    await settle();
    const bulk = http.expectOne((r) => r.method === 'POST' && r.url === '/api/stories/bulk');
    expect(bulk.request.body).toEqual({ action: 'delete', ids: [id(1), id(3)] });
    bulk.flush({
      results: [
        { id: id(1), ok: true },
        { id: id(3), ok: false, error: 'not found' },
      ],
    });
    await settle();
    expect(TestBed.inject(Notices).items().at(-1)?.text).toBe('Deleted 1 story; 1 failed: not found.');
    expect($$('story-status').map((s) => s.textContent)).toEqual(['Deleted', 'Open', 'Open']);
    expect($('selected-count')!.textContent).toBe('0 selected');
    expect(document.activeElement?.id).toBe('list-title');
  });

  it('Delete all Done asks in a dialog (Cancel first, Escape closes, focus restored), then deletes', async () => {
    await open('/stories', list([story(1, { status: 'Done' })], 1, { all: 1, Open: 0, Done: 1 }));
    const trigger = $<HTMLButtonElement>('delete-done')!;
    expect(trigger.textContent?.trim()).toBe('Delete all Done (1)');
    trigger.focus();
    trigger.click();
    await settle();
    expect(document.getElementById('confirm-title')?.textContent).toBe('Delete all 1 Done story?');
    expect(document.activeElement).toBe(document.querySelector('[data-testid="confirm-cancel"]'));
    document.activeElement!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', keyCode: 27, bubbles: true }));
    await settle();
    expect(document.querySelector('[data-testid="confirm-dialog"]')).toBeNull();
    expect(document.activeElement).toBe(trigger);
    http.expectNone((r) => r.method === 'DELETE');

    trigger.click();
    await settle();
    document.querySelector<HTMLButtonElement>('[data-testid="confirm-delete"]')!.click();
    await settle();
    const req = http.expectOne((r) => r.method === 'DELETE' && r.url === '/api/stories');
    expect(req.request.params.get('status')).toBe('Done');
    req.flush({ deleted: 1 });
    await settle();
    expect(TestBed.inject(Notices).items().at(-1)?.text).toBe('Deleted 1 Done story.');
    expect($('story-status')!.textContent).toBe('Deleted');
  });

  it('shows a viewer no selection and no buttons that change anything', async () => {
    await open('/stories', list([story(1, { status: 'Done' })]), 'viewer');
    await settle();
    expect(el().querySelector('input[type="checkbox"]')).toBeNull();
    expect($('delete-story')).toBeNull();
    expect($('rerun-story')).toBeNull();
    expect($('delete-done')).toBeNull();
    expect($('story-title')!.getAttribute('href')).toBe(`/stories/${id(1)}`);
  });

  it('moves to the last page when the one asked for is beyond it', async () => {
    await open('/stories?page=5');
    listRequests()[0].flush({ ...list([], 25), page: 5 });
    await settle();
    expect(TestBed.inject(Router).url).toBe('/stories?page=2');
  });
});
