import { jest } from '@jest/globals';
import { HttpErrorResponse } from '@angular/common/http';
import { signal, untracked } from '@angular/core';
import { DeferBlockBehavior, TestBed, type ComponentFixture } from '@angular/core/testing';
import { By } from '@angular/platform-browser';
import { latencySecond } from '@storyflow/contracts/latency';
import type { StatsHistoryDto } from '@storyflow/contracts/stats';
import { type Observable, of, throwError } from 'rxjs';
import { ColorScheme } from '../core/color-scheme';
import { ServerApi } from '../core/server-api';
import { EMPTY_STATS_VIEW } from '../realtime/stats-stream';
import type { StatsView } from '../realtime/stats-window';
import { blobText } from '../testing/blob-text';
import { renderDeferred } from '../testing/deferred';
import { statsSample } from '../testing/stats-sample';
import { ChartCanvas } from './chart-canvas';
import { StatsChart } from './stats-chart';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

/** The live minute, seconds 100–159: 3 produced and 2 completed a second, nothing in the `gaps` seconds. */
function liveView(gaps: number[] = []): StatsView {
  const secs = Array.from({ length: 60 }, (_, i) => 100 + i);
  const has = (s: number) => !gaps.includes(s);
  return {
    ...EMPTY_STATS_VIEW,
    connection: 'live',
    chart: {
      times: secs.map((s) => s * 1000),
      labels: secs.map(String),
      produced: secs.map((s) => (has(s) ? 3 : null)),
      completed: secs.map((s) => (has(s) ? 2 : null)),
    },
    samples: secs.filter(has).map((s) => statsSample(s, { producedPerSec: 3, completedPerSec: 2 })),
  };
}

/** 15 minutes in 5-second steps, with a point in the first two steps only. */
const HISTORY: StatsHistoryDto = {
  range: '15m',
  stepSec: 5,
  from: T0,
  to: T0 + 900_000,
  points: [
    { ...statsSample(T0 / 1000, { producedPerSec: 10, completedPerSec: 9 }), latency: latencySecond([20, 30])! },
    { ...statsSample(T0 / 1000 + 5, { producedPerSec: 11, completedPerSec: 8 }) },
  ],
};

describe('StatsChart', () => {
  let fixture: ComponentFixture<StatsChart>;
  let history: jest.Mock<(range: string) => Observable<StatsHistoryDto>>;
  const dark = signal(false);
  const el = () => fixture.nativeElement as HTMLElement;
  const click = (testId: string) => {
    el().querySelector<HTMLButtonElement>(`[data-testid="${testId}"]`)!.click();
    fixture.detectChanges();
  };
  const canvas = (kind: 'bar' | 'line') =>
    fixture.debugElement
      .queryAll(By.directive(ChartCanvas))
      .map((d) => d.componentInstance as ChartCanvas)
      .find((c) => c.kind() === kind)!;
  /** The history's first fetch (at once: a timer of 0) has been answered and drawn. */
  const fetched = async () => {
    await new Promise((r) => setTimeout(r));
    fixture.detectChanges();
  };

  beforeEach(async () => {
    // jsdom has no canvas: the chart directive then simply does not draw.
    jest.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
    history = jest.fn((_range: string) => of(HISTORY));
    dark.set(false);
    TestBed.configureTestingModule({
      deferBlockBehavior: DeferBlockBehavior.Manual,
      providers: [
        { provide: ServerApi, useValue: { history } },
        // Colors as CSS variables would give them: read when drawn, not signals themselves.
        {
          provide: ColorScheme,
          useValue: { dark, cssVar: (name: string, fallback: string) => (untracked(dark) ? `dark${name}` : fallback) },
        },
      ],
    });
    fixture = TestBed.createComponent(StatsChart);
    fixture.componentRef.setInput('view', liveView([150, 151, 157]));
    fixture.componentRef.setInput('stale', false);
    fixture.detectChanges();
    await renderDeferred(fixture);
  });

  afterEach(() => jest.useRealTimers());

  it('draws the latest 20 seconds, outages shaded as gaps; the live minute on "1 min"', () => {
    const bars = canvas('bar');
    expect(bars.data().labels).toEqual(Array.from({ length: 20 }, (_, i) => String(140 + i)));
    expect(bars.data().datasets.map((d) => d.label)).toEqual(['produced', 'completed']);
    expect(bars.data().datasets[0].data.slice(9, 13)).toEqual([3, null, null, 3]);
    expect(bars.options().plugins?.sfGaps?.runs).toEqual([
      [10, 11],
      [17, 17],
    ]);
    expect(bars.label()).toBe('From 140 to 159: 51 produced, 34 completed; 2 gaps without data');
    click('range-1m');
    expect(canvas('bar').data().labels).toHaveLength(60);
    expect(canvas('bar').options().plugins?.sfGaps?.runs).toEqual([
      [50, 51],
      [57, 57],
    ]);
  });

  it('draws a line per percentile, p99 on top and each dashed its own way; no dots once there are too many to see', async () => {
    const lines = canvas('line').data().datasets as { label: string; order: number; borderDash: number[]; pointRadius: number }[];
    expect(lines.map((l) => [l.label, l.order])).toEqual([
      ['p50', 2],
      ['p95', 1],
      ['p99', 0],
    ]);
    expect(new Set(lines.map((l) => l.borderDash.join())).size).toBe(3);
    expect(lines.map((l) => l.pointRadius)).toEqual([2, 2, 2]);
    click('range-15m');
    await fetched();
    const history = canvas('line').data().datasets as { pointRadius: number }[];
    expect(history.map((l) => l.pointRadius)).toEqual([0, 0, 0]);
  });

  it('labels the latency axis and tooltips in ms, the throughput axis in plain stories', () => {
    const latencyY = canvas('line').options().scales!['y']!.ticks as { callback: (v: number) => string };
    expect(latencyY.callback(12)).toBe('12 ms');
    const label = canvas('line').options().plugins!.tooltip!.callbacks!.label as (item: unknown) => string;
    expect(label({ dataset: { label: 'p95' }, parsed: { y: 23 } })).toBe('p95: 23 ms');
    expect(label({ dataset: { label: 'p99' }, parsed: { y: null } })).toBe('p99: – ms');
    expect(canvas('bar').options().scales!['y']!.ticks).not.toHaveProperty('callback');
    expect(canvas('bar').options().plugins!.tooltip!.callbacks).toBeUndefined();
  });

  it('fetches the history at once and with every step while shown, not while stale; a live range stops and forgets it', () => {
    jest.useFakeTimers();
    click('range-15m');
    jest.advanceTimersByTime(0);
    expect(history.mock.calls).toEqual([['15m']]);
    fixture.detectChanges();
    expect(canvas('bar').data().labels).toHaveLength(180);
    expect(canvas('bar').label()).toMatch(/^From 12:00:00 to 12:14:55: 105 produced, 85 completed; one gap without data$/);
    jest.advanceTimersByTime(5000);
    expect(history).toHaveBeenCalledTimes(2);

    fixture.componentRef.setInput('stale', true);
    fixture.detectChanges();
    jest.advanceTimersByTime(60_000);
    expect(history).toHaveBeenCalledTimes(2);
    fixture.componentRef.setInput('stale', false);
    fixture.detectChanges();
    jest.advanceTimersByTime(0);
    expect(history).toHaveBeenCalledTimes(3);

    click('range-20s');
    jest.advanceTimersByTime(60_000);
    expect(history).toHaveBeenCalledTimes(3);
    expect(canvas('bar').data().labels).toHaveLength(20);
    // Back on a longer range, the old answer is not shown as the new one's while it is fetched.
    history.mockReturnValue(throwError(() => new HttpErrorResponse({ status: 0 })));
    click('range-1h');
    jest.advanceTimersByTime(0);
    fixture.detectChanges();
    expect(canvas('bar').data().labels).toEqual([]);
  });

  it('says why the history could not be fetched, until the next answer', () => {
    jest.useFakeTimers();
    history.mockReturnValueOnce(
      throwError(() => new HttpErrorResponse({ status: 404, error: { error: { code: 'not_found', message: 'x', details: [] } } })),
    );
    click('range-15m');
    jest.advanceTimersByTime(0);
    fixture.detectChanges();
    const error = () => el().querySelector('[data-testid="history-error"]')?.textContent;
    expect(error()).toBe('This server does not keep a history yet: only the last minute is available.');
    history.mockReturnValueOnce(throwError(() => new HttpErrorResponse({ status: 0 })));
    jest.advanceTimersByTime(5000);
    fixture.detectChanges();
    expect(error()).toBe('The server cannot be reached.');
    jest.advanceTimersByTime(5000);
    fixture.detectChanges();
    expect(error()).toBeUndefined();
    expect(canvas('bar').data().labels).toHaveLength(180);
  });

  it('exports the shown range as JSON with its step; with nothing shown there is nothing to export', async () => {
    const created: Blob[] = [];
    Object.assign(URL, {
      createObjectURL: jest.fn((blob: Blob) => (created.push(blob), 'blob:x')),
      revokeObjectURL: jest.fn(),
    });
    const names: string[] = [];
    jest.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      names.push(this.download);
    });
    click('range-15m');
    await fetched();
    click('export-json');
    expect(names).toEqual([expect.stringMatching(/^storyflow-stats-15m-.*\.json$/)]);
    const json = await blobText(created[0]);
    const parsed = JSON.parse(json) as { range: string; stepSec: number; points: unknown[] };
    expect([parsed.range, parsed.stepSec, parsed.points.length]).toEqual(['15m', 5, 2]);

    fixture.componentRef.setInput('view', EMPTY_STATS_VIEW);
    click('range-20s');
    expect(el().querySelector('[data-testid="export-csv"]')!.getAttribute('aria-disabled')).toBe('true');
    click('export-csv');
    expect(names).toHaveLength(1);
  });

  it('draws again in the colors of a new color scheme', () => {
    expect(canvas('bar').data().datasets[0].backgroundColor).toBe('#2457d6');
    expect(canvas('line').data().datasets[2].borderColor).toBe('#c0262d');
    dark.set(true);
    fixture.detectChanges();
    expect(canvas('bar').data().datasets[0].backgroundColor).toBe('dark--produced');
    expect(canvas('line').data().datasets[2].borderColor).toBe('dark--p99');
    expect(canvas('bar').options().plugins?.sfGaps?.fill).toBe('dark--gap-fill');
  });
});
