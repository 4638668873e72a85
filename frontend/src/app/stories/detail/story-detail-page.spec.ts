import { jest } from '@jest/globals';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter, withComponentInputBinding } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import type { StoryDto, StoryProgressDto, TaskDto } from '@storyflow/contracts';
import { EMPTY_STATS_VIEW, StatsStream } from '../../realtime/stats-stream';
import type { StatsView } from '../../realtime/stats-window';
import { DETAIL_REFRESH_MS, StoryDetailPage } from './story-detail-page';

const ID = 'abcdef0123456789abcdef01';
const now = Date.now();
const iso = (ms: number) => new Date(now + ms).toISOString();

function task(n: number, doneAtMs: number | null): TaskDto {
  return { n, estimate: 5000, status: doneAtMs === null ? 'Open' : 'Done', doneAt: doneAtMs === null ? null : iso(doneAtMs) };
}

function storyDto(over: Partial<StoryDto> = {}): StoryDto {
  const tasks = [task(1, -1000), task(2, -500), task(3, null), task(4, null)];
  return {
    id: ID,
    title: 'Nightly build',
    externalRef: null,
    status: 'Open',
    taskCount: 4,
    doneCount: 2,
    estimateMs: 20_000,
    criticalPathMs: 5000,
    createdAt: iso(-8000),
    startedAt: iso(-6000),
    completedAt: null,
    processingMs: null,
    runningTasks: 1,
    timing: null,
    tasks,
    running: [3],
    ...over,
  };
}

describe('StoryDetailPage', () => {
  let http: HttpTestingController;
  let harness: RouterTestingHarness;
  const view = signal<StatsView>({ ...EMPTY_STATS_VIEW, connection: 'live' });
  const progress = signal<ReadonlyMap<string, StoryProgressDto>>(new Map());
  const watch = jest.fn();

  beforeEach(() => {
    view.set({ ...EMPTY_STATS_VIEW, connection: 'live' });
    progress.set(new Map());
    watch.mockReset();
    TestBed.configureTestingModule({
      providers: [
        provideRouter(
          [
            { path: 'stories/:id', component: StoryDetailPage },
            { path: 'stories', children: [] },
          ],
          withComponentInputBinding(),
        ),
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: StatsStream, useValue: { view, progress, watch, unwatch: jest.fn(), activity: signal(null), start: jest.fn() } },
      ],
    });
    http = TestBed.inject(HttpTestingController);
  });

  const el = () => harness.routeNativeElement!;
  const text = (id: string) => el().querySelector(`[data-testid="${id}"]`)?.textContent?.replace(/\s+/g, ' ').trim();
  const settle = async () => {
    await harness.fixture.whenStable();
    await new Promise((r) => setTimeout(r));
    await harness.fixture.whenStable();
  };
  /** Each phase as "name: figures". */
  const phaseTexts = () =>
    Array.from(el().querySelectorAll('[data-testid="detail-phases"] dl > div')).map((d) =>
      [d.querySelector('dt')!, d.querySelector('dd')!].map((e) => e.textContent.trim()).join(': '),
    );
  const storyRequests = () => http.match((r) => r.method === 'GET' && r.url === `/api/stories/${ID}`);

  async function open(story: StoryDto | 'missing' = storyDto()) {
    harness = await RouterTestingHarness.create();
    await harness.navigateByUrl(`/stories/${ID}`);
    http.match('/api/access').forEach((r) => r.flush({ role: 'operator', readsNeedToken: false, mutationsNeedToken: false }));
    const [req] = storyRequests();
    if (story === 'missing')
      req.flush({ error: { code: 'not_found', message: 'Story not found', details: [] } }, { status: 404, statusText: 'Not Found' });
    else req.flush(story);
    await settle();
  }

  it('shows the story: title, status, times, elapsed and time left, and watches it', async () => {
    await open();
    expect(watch).toHaveBeenCalledWith(expect.anything(), [ID]);
    expect(el().querySelector('h1')?.textContent).toBe('Nightly build');
    expect(text('detail-status')).toBe('Open');
    expect(text('detail-live')).toBe('live');
    expect(text('detail-progress')).toBe('2 of 4 tasks done · 1 running · 1 waiting');
    expect(text('detail-elapsed')).toMatch(/^[67] s$/);
    // 10 s of work done in ~6 s, 10 s left: ≈ 6 s.
    expect(text('detail-eta')).toMatch(/^≈ [56] s$/);
  });

  it('a story still waiting: done at the latest when the backlog clears at the live rate', async () => {
    const waiting = storyDto({
      startedAt: null,
      doneCount: 0,
      runningTasks: 0,
      running: [],
      tasks: [1, 2, 3, 4].map((n) => task(n, null)),
    });
    // The backlog shrinks by 1,000 tasks a second from 9,000: 4 s to go after the last second.
    const samples = [0, 1, 2, 3, 4, 5].map((i) => ({
      t: now - (6 - i) * 1000,
      producedPerSec: 0,
      completedPerSec: 10,
      open: 50,
      completed: 0,
      poolSize: 20,
      busyWorkers: 20,
      backlogTasks: 9000 - i * 1000,
      tasksDonePerSec: 1000,
    }));
    view.set({ ...EMPTY_STATS_VIEW, connection: 'live', samples });
    await open(waiting);
    expect(text('detail-eta')).toBe('≈ 4 s at most: the backlog clears then, at the current 1,000 tasks/s');
    // Figures that are not live say nothing of it.
    view.set({ ...EMPTY_STATS_VIEW, connection: 'reconnecting', disconnectedAt: now, samples });
    await settle();
    expect(text('detail-eta')).toBe('unknown yet');
  });

  it('shows where a Done story’s time went: each phase in words, its time and share, and a bar of the three', async () => {
    await open(
      storyDto({
        status: 'Done',
        doneCount: 4,
        running: [],
        completedAt: iso(0),
        processingMs: 2000,
        timing: { waitingMs: 1700, runningMs: 250, committingMs: 50 },
      }),
    );
    const phases = el().querySelector('[data-testid="detail-phases"]')!;
    expect(phases.classList).not.toContain('reserved');
    expect(phases.getAttribute('aria-hidden')).toBeNull();
    expect(phases.querySelector('h2')?.textContent).toContain('Where the time went');
    expect(phaseTexts()).toEqual([
      'Waiting for a worker: 1.70 s · 85 %',
      'Running its tasks: 250 ms · 13 %',
      'Waiting for its commit (database): 50 ms · 3 %',
    ]);
    // The bar repeats it for the eye only.
    const bar = phases.querySelector('.phase-bar')!;
    expect(bar.getAttribute('aria-hidden')).toBe('true');
    expect(Array.from(bar.querySelectorAll<HTMLElement>('span')).map((s) => s.style.width)).toEqual(['85%', '12.5%', '2.5%']);
  });

  it('keeps the phases’ place, hidden, while Open; dashes for a Done story whose timing is not known', async () => {
    // Not even a timing sent by mistake shows while Open.
    await open(storyDto({ timing: { waitingMs: 1, runningMs: 2, committingMs: 3 } }));
    const phases = () => el().querySelector('[data-testid="detail-phases"]')!;
    expect(phases().classList).toContain('reserved');
    expect(phases().getAttribute('aria-hidden')).toBe('true');
    expect(phaseTexts()).toEqual(['Waiting for a worker: –', 'Running its tasks: –', 'Waiting for its commit (database): –']);
    const done = storyDto({ status: 'Done', doneCount: 4, running: [], completedAt: iso(0), processingMs: 2000 });
    const other = 'fedcba9876543210fedcba98';
    await harness.navigateByUrl(`/stories/${other}`);
    http.expectOne(`/api/stories/${other}`).flush({ ...done, id: other });
    await settle();
    expect(phases().classList).not.toContain('reserved');
    expect(phaseTexts()).toEqual(['Waiting for a worker: –', 'Running its tasks: –', 'Waiting for its commit (database): –']);
  });

  it('draws the tasks that ran on a timeline and lists every task', async () => {
    await open();
    const svg = el().querySelector('[data-testid="task-timeline"]')!;
    expect(svg.getAttribute('role')).toBe('img');
    expect(svg.getAttribute('aria-label')).toMatch(/^Timeline: 2 tasks done, 1 running over .*, at most 2 at the same time\.$/);
    expect(svg.querySelectorAll('rect.done')).toHaveLength(2);
    expect(svg.querySelectorAll('rect.running')).toHaveLength(1);
    const states = Array.from(el().querySelectorAll('[data-testid="task-row"] .state')).map((s) => s.textContent);
    expect(states).toEqual(['done', 'done', 'running', 'waiting']);
  });

  it('follows live progress, and fetches the task times again at most every few seconds', async () => {
    await open();
    // Fake timers from here: the refetch's wait is the subject.
    jest.useFakeTimers({ doNotFake: ['queueMicrotask', 'setImmediate'] });
    try {
      progress.set(
        new Map([
          [
            ID,
            { id: ID, status: 'Open', taskCount: 4, doneCount: 3, runningTasks: 1, running: [4], startedAt: iso(-6000), completedAt: null },
          ],
        ]),
      );
      harness.fixture.detectChanges();
      expect(text('detail-progress')).toBe('3 of 4 tasks done · 1 running');
      expect(storyRequests()).toHaveLength(0);
      await jest.advanceTimersByTimeAsync(DETAIL_REFRESH_MS);
      expect(storyRequests()).toHaveLength(1);

      // Done: fetched at once for the final times.
      progress.set(
        new Map([
          [
            ID,
            {
              id: ID,
              status: 'Done',
              taskCount: 4,
              doneCount: 4,
              runningTasks: 0,
              running: [],
              startedAt: iso(-6000),
              completedAt: iso(0),
            },
          ],
        ]),
      );
      harness.fixture.detectChanges();
      await jest.advanceTimersByTimeAsync(0);
      const refetches = storyRequests();
      expect(refetches).toHaveLength(1);
      expect(text('detail-status')).toBe('Done');
      expect(el().querySelector('[data-testid="detail-eta"]')).toBeNull();
      // Progress carries no timing: the phases fill in from the refetch, in the place kept for them.
      expect(phaseTexts()).toEqual(['Waiting for a worker: –', 'Running its tasks: –', 'Waiting for its commit (database): –']);
      refetches[0].flush(
        storyDto({
          status: 'Done',
          doneCount: 4,
          running: [],
          completedAt: iso(0),
          processingMs: 8000,
          timing: { waitingMs: 2000, runningMs: 5800, committingMs: 200 },
        }),
      );
      harness.fixture.detectChanges();
      expect(phaseTexts()).toEqual([
        'Waiting for a worker: 2.00 s · 25 %',
        'Running its tasks: 5.80 s · 73 %',
        'Waiting for its commit (database): 200 ms · 3 %',
      ]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('says when it is gone while shown, keeping what was known', async () => {
    await open();
    progress.set(
      new Map([
        [ID, { id: ID, status: 'Deleted', taskCount: 4, doneCount: 2, runningTasks: 0, running: [], startedAt: null, completedAt: null }],
      ]),
    );
    await settle();
    expect(text('detail-status')).toBe('Removed');
    expect(el().textContent).toContain('(deleted, or removed by retention)');
    expect(el().querySelector('[data-testid="detail-delete"]')).toBeNull();
  });

  it('starts over for another story (the page stays, its id changes): nothing of the first one is shown for it', async () => {
    await open();
    progress.set(
      new Map([
        [ID, { id: ID, status: 'Deleted', taskCount: 4, doneCount: 2, runningTasks: 0, running: [], startedAt: null, completedAt: null }],
      ]),
    );
    await settle();
    expect(text('detail-status')).toBe('Removed');
    const other = 'fedcba9876543210fedcba98';
    await harness.navigateByUrl(`/stories/${other}`);
    await settle();
    expect(watch).toHaveBeenLastCalledWith(expect.anything(), [other]);
    // Not the first story's title nor its removal while the other one loads.
    expect(el().querySelector('h1')?.textContent).toBe('Story …dcba98');
    expect(el().querySelector('[data-testid="detail-status"]')).toBeNull();
    http.expectOne(`/api/stories/${other}`).flush(storyDto({ id: other, title: 'Weekly report' }));
    await settle();
    expect(el().querySelector('h1')?.textContent).toBe('Weekly report');
    expect(text('detail-status')).toBe('Open');
  });

  it('explains a story that does not exist', async () => {
    await open('missing');
    expect(text('story-not-found')).toContain('does not exist');
  });

  it('is not live while disconnected', async () => {
    await open();
    view.set({ ...EMPTY_STATS_VIEW, connection: 'reconnecting', disconnectedAt: now });
    await settle();
    expect(text('detail-live')).toMatch(/^Not live since/);
  });

  it('deletes the story and goes back to the list', async () => {
    await open(storyDto({ status: 'Done', doneCount: 4, running: [], completedAt: iso(0) }));
    el().querySelector<HTMLButtonElement>('[data-testid="detail-delete"]')!.click();
    http.expectOne((r) => r.method === 'DELETE').flush({ deleted: 1 });
    await settle();
    expect(TestBed.inject(Router).url).toBe('/stories');
  });
});
