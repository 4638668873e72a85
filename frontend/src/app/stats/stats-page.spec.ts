import { latencySecond } from '@storyflow/contracts/latency';
import { jest } from '@jest/globals';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { signal } from '@angular/core';
import { DeferBlockBehavior, TestBed } from '@angular/core/testing';
import { blobText } from '../testing/blob-text';
import { renderDeferred } from '../testing/deferred';
import { FirstScreen } from '../core/first-screen';
import type { InfoDto } from '@storyflow/contracts/api';
import type { InstanceFigures, StatsSample } from '@storyflow/contracts/stats';
import { EMPTY_STATS_VIEW, StatsStream } from '../realtime/stats-stream';
import type { StatsView } from '../realtime/stats-window';
import { StatsPage } from './stats-page';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

function liveView(second: number, over: Partial<StatsView> = {}): StatsView {
  const times = Array.from({ length: 60 }, (_, i) => T0 + (second - 59 + i) * 1000);
  const samples: StatsSample[] = times.map((t) => ({
    t,
    producedPerSec: 13,
    completedPerSec: 12,
    open: 4321,
    completed: 98765,
    poolSize: 16,
    busyWorkers: 4,
    backlogTasks: 250,
  }));
  return {
    ...EMPTY_STATS_VIEW,
    connection: 'live',
    at: times.at(-1)!,
    figures: { producedPerSec: 13, completedPerSec: 12, open: 4321, completed: 98765, poolSize: 16, busyWorkers: 4, backlogTasks: 250 },
    chart: { times, labels: times.map((t) => String((t - T0) / 1000)), produced: times.map(() => 13), completed: times.map(() => 12) },
    samples,
    countersSince: T0 - 3_600_000,
    ...over,
  };
}

/** A cluster's view at `second`: each sample of the window lists the instances `at(second)` gives. */
function clusterView(second: number, at: (sec: number) => InstanceFigures[], over: Partial<StatsView> = {}): StatsView {
  const view = liveView(second, over);
  const samples = view.samples.map((s) => ({ ...s, instances: at((s.t - T0) / 1000) }));
  return { ...view, samples, figures: { ...view.figures!, instances: samples.at(-1)!.instances } };
}

/** Instance `id` as of second `sec`: its heartbeat `lateMs` after the end of `beatSec` (default: that second). */
function inst(id: string, sec: number, beatSec = sec, lateMs = 30): InstanceFigures {
  return { id, poolSize: 8, busyWorkers: id === 'b' ? 5 : 1, backlogTasks: 1500, lastSeen: T0 + (beatSec + 1) * 1000 + lateMs };
}

const INFO: InfoDto = {
  db: { mode: 'external', durable: true },
  retention: { doneSeconds: 0, maxDoneTasks: 0 },
  historySeconds: 3600,
  countersSince: T0,
  paused: false,
  pool: { min: 2, max: 16 },
  instanceId: 'b',
};

describe('StatsPage', () => {
  const view = signal<StatsView>(EMPTY_STATS_VIEW);
  const start = jest.fn();
  let http: HttpTestingController;

  beforeEach(() => {
    view.set(EMPTY_STATS_VIEW);
    start.mockReset();
    // jsdom has no canvas: the chart directive then simply does not draw.
    jest.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
    TestBed.configureTestingModule({
      deferBlockBehavior: DeferBlockBehavior.Manual,
      imports: [StatsPage],
      providers: [
        // No navigation happens here: the first screen counts as shown and live at once.
        { provide: FirstScreen, useValue: { shown: Promise.resolve(), live: Promise.resolve(), reportLive: () => undefined } },
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: StatsStream, useValue: { view, start } },
      ],
    });
    http = TestBed.inject(HttpTestingController);
  });

  async function render() {
    const fixture = TestBed.createComponent(StatsPage);
    await fixture.whenStable();
    await renderDeferred(fixture);
    http.match('/api/access').forEach((r) => r.flush({ role: 'operator', readsNeedToken: false, mutationsNeedToken: false }));
    await fixture.whenStable();
    return { fixture, el: fixture.nativeElement as HTMLElement };
  }

  const instanceRowsOf = (el: HTMLElement) =>
    Array.from(el.querySelectorAll('[data-testid="instances"] tbody tr')).map((tr) =>
      Array.from(tr.children).map((c) => c.textContent.replace(/\s+/g, ' ').trim()),
    );
  const instanceCardsOf = (el: HTMLElement) =>
    Array.from(el.querySelectorAll('[data-testid="instance-cards"] li')).map((li) =>
      [li.querySelector('.who')!, ...Array.from(li.querySelectorAll('dt, dd'))]
        .map((e) => e.textContent.replace(/\s+/g, ' ').trim())
        .join('|'),
    );

  const summary = (el: HTMLElement) => el.querySelector('canvas[data-testid="stats-chart"]')?.getAttribute('aria-label');
  const text = (el: HTMLElement, id: string) => el.querySelector(`[data-testid="${id}"]`)?.textContent?.replace(/\s+/g, ' ').trim();

  it('starts the stream and shows placeholders until data arrives', async () => {
    const { el } = await render();
    expect(start).toHaveBeenCalledTimes(1);
    expect(text(el, 'figure-produced')).toBe('–');
    expect(text(el, 'connection')).toContain('connecting');
    expect(summary(el)).toBe('No data yet');
    // One accessible name, on the image: no second copy of the summary for screen readers to read again.
    expect(el.querySelector('canvas[data-testid="stats-chart"]')?.getAttribute('role')).toBe('img');
    expect(el.querySelectorAll('.sr-only')).toHaveLength(0);
    expect(el.querySelector('[data-testid="stale-note"]')).toBeNull();
  });

  it('renders the figures, the pool and the connection state from the stream', async () => {
    const { fixture, el } = await render();
    view.set(liveView(40));
    await fixture.whenStable();
    expect(text(el, 'figure-produced')).toBe('13');
    expect(text(el, 'figure-open')).toBe('4,321');
    expect(text(el, 'figure-completed')).toBe('98,765');
    expect(text(el, 'counters-since')).toMatch(/^since /);
    expect(text(el, 'busy-workers')).toBe('4');
    expect(text(el, 'backlog-tasks')).toBe('250');
    expect(text(el, 'connection')).toContain('live');
    expect(summary(el)).toBe('From 21 to 40: 260 produced, 240 completed');
  });

  it('greys everything out while disconnected and says since when', async () => {
    const { fixture, el } = await render();
    view.set(liveView(40, { connection: 'offline', disconnectedAt: T0 + 41_000 }));
    await fixture.whenStable();
    expect(text(el, 'connection')).toContain('offline');
    expect(text(el, 'stale-note')).toMatch(
      /^No connection to the server since \d\d:\d\d:\d\d\. The figures below are the last known \(\d\d:\d\d:\d\d\)\.$/,
    );
    expect(el.querySelector('.figures')!.classList.contains('stale')).toBe(true);
    expect(el.querySelector('.pool')!.classList.contains('stale')).toBe(true);
    expect(el.querySelector('sf-stats-chart .chart')!.classList.contains('stale')).toBe(true);
    view.set(liveView(50));
    await fixture.whenStable();
    expect(el.querySelector('[data-testid="stale-note"]')).toBeNull();
    expect(el.querySelector('.figures')!.classList.contains('stale')).toBe(false);
  });

  it('says so and greys out when connected but no figures come for more than 5 s', async () => {
    jest.useFakeTimers({ now: T0 + 41_200, doNotFake: ['queueMicrotask'] });
    try {
      const fixture = TestBed.createComponent(StatsPage);
      const el = fixture.nativeElement as HTMLElement;
      view.set(liveView(40, { feedAt: T0 + 41_200 }));
      fixture.detectChanges();
      await jest.advanceTimersByTimeAsync(5000);
      fixture.detectChanges();
      expect(text(el, 'connection')).toBe('live');
      expect(el.querySelector('[data-testid="stale-note"]')).toBeNull();
      await jest.advanceTimersByTimeAsync(1000);
      fixture.detectChanges();
      expect(text(el, 'connection')).toBe('no new figures');
      expect(el.querySelector('[data-testid="connection"]')!.getAttribute('data-state')).toBe('late');
      expect(text(el, 'stale-note')).toMatch(
        /^Connected, but no figures from the server since \d\d:\d\d:\d\d\. The figures below are the last known \(\d\d:\d\d:\d\d\)\.$/,
      );
      expect(el.querySelector('.figures')!.classList.contains('stale')).toBe(true);
      expect(el.querySelector('.pool')!.classList.contains('stale')).toBe(true);
      expect(el.querySelector('sf-stats-chart .chart')!.classList.contains('stale')).toBe(true);
      // The next second arrives: live again.
      view.set(liveView(47, { feedAt: Date.now() }));
      fixture.detectChanges();
      expect(text(el, 'connection')).toBe('live');
      expect(el.querySelector('.figures')!.classList.contains('stale')).toBe(false);
      fixture.destroy();
    } finally {
      jest.useRealTimers();
    }
  });

  it('explains a fall of the completed count after the server restarted on an empty database', async () => {
    const { fixture, el } = await render();
    view.set(liveView(40, { countersReset: { previousSince: T0 - 3_600_000, since: T0 + 30_000 } }));
    await fixture.whenStable();
    expect(text(el, 'counters-reset')).toContain('the server started on an empty database');
  });

  it('says how many malformed updates the worker ignored, once there are any', async () => {
    const { fixture, el } = await render();
    view.set({ ...liveView(40), dropped: 3 });
    await fixture.whenStable();
    expect(text(el, 'dropped')).toBe('3 malformed updates ignored');
  });

  it('switches to the persisted history of 15 minutes, gaps included, refreshed while shown', async () => {
    jest.useFakeTimers({ doNotFake: ['queueMicrotask'] });
    try {
      const fixture = TestBed.createComponent(StatsPage);
      fixture.detectChanges();
      await renderDeferred(fixture);
      view.set(liveView(40));
      fixture.detectChanges();
      const el = fixture.nativeElement as HTMLElement;
      el.querySelector<HTMLButtonElement>('[data-testid="range-15m"]')!.click();
      fixture.detectChanges();
      await jest.advanceTimersByTimeAsync(0);
      const req = http.expectOne((r) => r.url === '/api/stats/history');
      expect(req.request.params.get('range')).toBe('15m');
      const p = liveView(40).samples[0];
      req.flush({
        range: '15m',
        stepSec: 5,
        from: T0,
        to: T0 + 20_000,
        points: [
          { ...p, t: T0 },
          { ...p, t: T0 + 15_000 },
        ],
      });
      // Parsed once the schemas have loaded (a dynamic import).
      await jest.advanceTimersByTimeAsync(1);
      fixture.detectChanges();
      expect(summary(el)).toBe('From 12:00:00 to 12:00:15: 130 produced, 120 completed; one gap without data');
      expect(el.querySelector('[data-testid="range-15m"]')!.getAttribute('aria-pressed')).toBe('true');
      await jest.advanceTimersByTimeAsync(5000);
      http.expectOne((r) => r.url === '/api/stats/history');
      // Not while the server is unreachable.
      view.set(liveView(40, { connection: 'offline' }));
      fixture.detectChanges();
      await jest.advanceTimersByTimeAsync(20_000);
      http.expectNone((r) => r.url === '/api/stats/history');
      fixture.destroy();
    } finally {
      jest.useRealTimers();
    }
  });

  it('says when the server keeps no history', async () => {
    const { fixture, el } = await render();
    view.set(liveView(40));
    el.querySelector<HTMLButtonElement>('[data-testid="range-1h"]')!.click();
    await fixture.whenStable();
    await new Promise((r) => setTimeout(r));
    http
      .expectOne((r) => r.url === '/api/stats/history')
      .flush({ error: { code: 'not_found', message: 'x', details: [] } }, { status: 404, statusText: 'Not Found' });
    await fixture.whenStable();
    expect(text(el, 'history-error')).toContain('only the last minute is available');
  });

  it('pauses processing for an operator', async () => {
    const { fixture, el } = await render();
    view.set(liveView(40));
    await fixture.whenStable();
    const toggle = el.querySelector<HTMLButtonElement>('[data-testid="pause-toggle"]')!;
    expect(toggle.textContent?.trim()).toBe('Pause processing');
    toggle.click();
    const put = http.expectOne((r) => r.method === 'PUT' && r.url === '/api/processing');
    expect(put.request.body).toEqual({ paused: true });
    put.flush({ paused: true, since: T0 });
    view.set(liveView(41, { figures: { ...liveView(41).figures!, paused: true } }));
    await fixture.whenStable();
    expect(text(el, 'pool-paused')).toBe('paused');
    expect(el.querySelector('[data-testid="pause-toggle"]')?.textContent?.trim()).toBe('Resume processing');
  });

  it('draws the latest 20 seconds by default, the live minute on "1 min"', async () => {
    const { fixture, el } = await render();
    view.set(liveView(40));
    await fixture.whenStable();
    const canvas = () => el.querySelector('[data-testid="stats-chart"]')!;
    expect(el.querySelector('#chart-title')!.textContent).toBe('Latest 20 seconds');
    expect(el.querySelector('[data-testid="range-20s"]')!.getAttribute('aria-pressed')).toBe('true');
    expect(canvas().getAttribute('aria-label')).toBe('From 21 to 40: 260 produced, 240 completed');
    el.querySelector<HTMLButtonElement>('[data-testid="range-1m"]')!.click();
    await fixture.whenStable();
    expect(el.querySelector('#chart-title')!.textContent).toBe('Last minute');
    expect(canvas().getAttribute('aria-label')).toBe('From -19 to 40: 780 produced, 720 completed');
    expect(http.match((r) => r.url.includes('/api/stats/history'))).toHaveLength(0);
  });

  it('draws the story latency of the same seconds beside it, with the range’s percentiles on one line', async () => {
    const { fixture, el } = await render();
    view.set(liveView(40));
    await fixture.whenStable();
    const latencyChart = () => el.querySelector('[data-testid="latency-chart"]')!;
    expect(latencyChart().getAttribute('aria-label')).toBe('From 21 to 40: no story finished');
    expect(text(el, 'range-latency')).toBe('No story finished in this range.');
    // Stories finished in two of the seconds shown, one of them slow.
    const base = liveView(40);
    const samples = base.samples.map((s, i) =>
      i === 58 ? { ...s, latency: latencySecond([21, 22, 23])! } : i === 59 ? { ...s, latency: latencySecond([24, 400])! } : s,
    );
    view.set({ ...base, samples });
    await fixture.whenStable();
    expect(latencyChart().getAttribute('aria-label')).toBe(
      'From 21 to 40, story latency p50 22.9 ms, p95 399.5 ms, p99 399.5 ms over 5 stories',
    );
    expect(text(el, 'range-latency')).toBe('Over the range: p50 22.9 · p95 399.5 · p99 399.5 ms, 5 stories');
  });

  it('says where the slowest stories’ time went beside each latency row, the pool named when at its limit', async () => {
    const { fixture, el } = await render();
    view.set(liveView(40));
    await fixture.whenStable();
    // No story finished: a blank line, kept.
    expect(text(el, 'blame-second')).toBe('');
    expect(text(el, 'blame-window')).toBe('');
    expect(el.querySelector('[data-testid="blame-window"]')).not.toBeNull();
    const base = liveView(40);
    // 150 stories Done in second 39, their slowest mostly waiting for the commit; 2 in second 40, the slow one for a worker.
    const samples: StatsSample[] = base.samples.map((s, i) =>
      i === 58
        ? { ...s, latency: latencySecond(Array.from({ length: 150 }, () => 20))!, slowStories: [[2, 3, 18]] }
        : i === 59
          ? { ...s, latency: latencySecond([24, 400])!, slowStories: [[380, 15, 5]] }
          : s,
    );
    view.set({ ...base, samples });
    await fixture.whenStable();
    // The server's pool maximum not known yet: nothing said of the pool.
    expect(text(el, 'blame-second')).toBe('slowest story: 95 % waiting for a worker');
    // 1 % of 152: the slowest 2, of both seconds (382 of 423 ms waiting).
    expect(text(el, 'blame-window')).toBe('slowest 1 %: 90 % waiting for a worker');
    expect(text(el, 'range-blame')).toBe('Over the range, slowest 1 %: 90 % waiting for a worker');
    // The pool of 16 is at its maximum of 16.
    http.expectOne('/api/info').flush(INFO);
    await fixture.whenStable();
    expect(text(el, 'blame-second')).toBe('slowest story: 95 % waiting for a worker, pool at its limit of 16');
    expect(text(el, 'blame-window')).toBe('slowest 1 %: 90 % waiting for a worker, pool at its limit of 16');
    // A chart over a long range says nothing of the pool (the latest second's pool is not the range's).
    expect(text(el, 'range-blame')).toBe('Over the range, slowest 1 %: 90 % waiting for a worker');
    // Stories finished, their phases not known (a server that does not send them): a dash, no claim.
    view.set({ ...base, samples: samples.map(({ slowStories: _slow, ...s }) => s) });
    await fixture.whenStable();
    expect(text(el, 'blame-second')).toBe('slowest stories: —');
    expect(text(el, 'blame-window')).toBe('slowest stories: —');
    expect(text(el, 'range-blame')).toBe('Over the range, slowest stories: —');
  });

  it('exports the shown range as CSV', async () => {
    const { fixture, el } = await render();
    view.set(liveView(40));
    await fixture.whenStable();
    const created: Blob[] = [];
    const createObjectURL = jest.fn((blob: Blob) => {
      created.push(blob);
      return 'blob:x';
    });
    Object.assign(URL, { createObjectURL, revokeObjectURL: jest.fn() });
    const clicks: string[] = [];
    jest.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicks.push(this.download);
    });
    el.querySelector<HTMLButtonElement>('[data-testid="export-csv"]')!.click();
    expect(clicks[0]).toMatch(/^storyflow-stats-20s-.*\.csv$/);
    const csv = await blobText(created[0]);
    // A header, the 20 seconds shown, and the final newline.
    expect(csv.split('\n')).toHaveLength(22);
  });

  describe('cluster mode', () => {
    it('shows no breakdown on a single server, nor on a cluster of one', async () => {
      const { fixture, el } = await render();
      http.match('/api/info').forEach((r) => r.flush(INFO));
      view.set(liveView(40));
      await fixture.whenStable();
      expect(el.querySelector('sf-instance-breakdown')!.children).toHaveLength(0);
      view.set(clusterView(41, (sec) => [inst('b', sec)]));
      await fixture.whenStable();
      expect(el.querySelector('[data-testid="instances"]')).toBeNull();
      expect(el.querySelector('[data-testid="instance-cards"]')).toBeNull();
      // No space kept for it either.
      expect(el.querySelector('sf-instance-breakdown')!.classList.contains('reserving')).toBe(false);
    });

    it('lists each instance (table and phone cards): pool, busy, backlog, last heartbeat, the connected one, the stale one', async () => {
      const { fixture, el } = await render();
      http.expectOne('/api/info').flush(INFO);
      // c's last heartbeat is from the end of second 36: 3.97 s before the end of second 40.
      view.set(clusterView(40, (sec) => [inst('a', sec), inst('b', sec), inst('c', sec, Math.min(sec, 36))]));
      await fixture.whenStable();
      const table = el.querySelector('[data-testid="instances"]')!;
      expect(table.tagName).toBe('TABLE');
      expect(table.querySelector('caption')!.textContent.replace(/\s+/g, ' ').trim()).toBe('Instances 2 up, 1 stale (not in the totals)');
      expect(Array.from(table.querySelectorAll('thead th')).map((th) => [th.textContent.trim(), th.getAttribute('scope')])).toEqual([
        ['Instance', 'col'],
        ['Pool', 'col'],
        ['Busy', 'col'],
        ['Backlog', 'col'],
        ['Last heartbeat', 'col'],
      ]);
      expect(instanceRowsOf(el)).toEqual([
        ['a', '8', '1', '1,500', 'now'],
        ['b connected', '8', '5', '1,500', 'now'],
        ['c stale', '8', '1', '1,500', '3 s ago'],
      ]);
      expect(table.querySelector('tbody th')!.getAttribute('scope')).toBe('row');
      expect(table.querySelector('[data-instance="c"]')!.getAttribute('data-state')).toBe('stale');
      expect(instanceCardsOf(el)).toEqual([
        'a|Pool|8|Busy|1|Backlog|1,500|Heartbeat|now',
        'b connected|Pool|8|Busy|5|Backlog|1,500|Heartbeat|now',
        'c stale|Pool|8|Busy|1|Backlog|1,500|Heartbeat|3 s ago',
      ]);
      const list = el.querySelector('[data-testid="instance-cards"] ul')!;
      expect(el.querySelector(`#${list.getAttribute('aria-labelledby')}`)!.textContent).toContain('Instances');
      // Every second brings the ages up to date.
      view.set(clusterView(41, (sec) => [inst('a', sec), inst('b', sec), inst('c', sec, Math.min(sec, 36))]));
      await fixture.whenStable();
      expect(instanceRowsOf(el)[2]).toEqual(['c stale', '8', '1', '1,500', '4 s ago']);
    });

    it('greys out with the rest of the screen while disconnected, ages frozen at the last known second', async () => {
      const { fixture, el } = await render();
      http.expectOne('/api/info').flush(INFO);
      view.set(clusterView(40, (sec) => [inst('a', sec), inst('b', sec)], { connection: 'offline', disconnectedAt: T0 + 41_000 }));
      await fixture.whenStable();
      const table = el.querySelector('[data-testid="instances"]')!;
      expect(table.closest('.pool')!.classList.contains('stale')).toBe(true);
      expect(el.querySelector('[data-testid="instance-cards"]')!.closest('.pool')!.classList.contains('stale')).toBe(true);
      expect(instanceRowsOf(el).map((r) => r.at(-1))).toEqual(['now', 'now']);
      // Not "connected" while it is not.
      expect(instanceRowsOf(el).map((r) => r[0])).toEqual(['a', 'b was connected']);
      expect(instanceCardsOf(el)[1]).toMatch(/^b was connected\|/);
    });

    it('an instance that dies is marked gone rather than dropped; the breakdown and its space stay', async () => {
      const { fixture, el } = await render();
      http.expectOne('/api/info').flush(INFO);
      const host = el.querySelector<HTMLElement>('sf-instance-breakdown')!;
      view.set(clusterView(40, (sec) => [inst('a', sec), inst('b', sec), inst('c', sec)]));
      await fixture.whenStable();
      expect(host.classList.contains('reserving')).toBe(true);
      expect(host.style.getPropertyValue('--instance-rows')).toBe('3');
      // a and c stop after second 30; the cluster drops them from its list.
      view.set(clusterView(40, (sec) => (sec <= 30 ? [inst('a', sec), inst('b', sec), inst('c', sec)] : [inst('b', sec)])));
      await fixture.whenStable();
      expect(instanceRowsOf(el)).toEqual([
        ['a gone', '–', '–', '–', '9 s ago'],
        ['b connected', '8', '5', '1,500', 'now'],
        ['c gone', '–', '–', '–', '9 s ago'],
      ]);
      expect(el.querySelector('caption')!.textContent.replace(/\s+/g, ' ').trim()).toBe('Instances 1 up, 2 gone');
      // A minute later they are out of the window: one instance left, still shown, the space of three kept.
      view.set(clusterView(100, (sec) => [inst('b', sec)]));
      await fixture.whenStable();
      expect(instanceRowsOf(el)).toEqual([['b connected', '8', '5', '1,500', 'now']]);
      expect(host.style.getPropertyValue('--instance-rows')).toBe('3');
      // A server that has not sent its first second yet: no rows, the space still kept.
      view.set({ ...clusterView(101, (sec) => [inst('b', sec)]), figures: null });
      await fixture.whenStable();
      expect(el.querySelector('[data-testid="instances"]')).toBeNull();
      expect(host.classList.contains('reserving')).toBe(true);
    });
  });
});
