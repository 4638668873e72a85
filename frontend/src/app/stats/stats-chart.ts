import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { takeUntilDestroyed, toObservable } from '@angular/core/rxjs-interop';
import { HISTORY_RANGES } from '@storyflow/contracts/realtime';
import type { Chart, ChartConfiguration, ChartData, ChartType, Plugin } from 'chart.js';
import { EMPTY, catchError, map, of, switchMap, timer } from 'rxjs';
import { toApiFailure } from '../core/api-failure';
import { ColorScheme } from '../core/color-scheme';
import { ServerApi } from '../core/server-api';
import type { StatsView } from '../realtime/stats-window';
import { BarCanvas } from './bar-canvas';
import { formatClock } from '../realtime/clock-format';
import { downloadText } from './download';
import {
  EMPTY_SERIES,
  RANGE_LABELS,
  RANGE_TITLES,
  LIVE_SECONDS,
  gapRuns,
  historySeries,
  isLiveRange,
  liveSeries,
  seriesSummary,
  toCsv,
  toJson,
  type ChartRange,
  type StatsSeries,
} from './stats-series';

const RANGES: ChartRange[] = ['20s', '1m', '15m', '1h'];

interface GapOptions {
  /** Fill of a run without data. */
  fill: string;
  /** Color of its "no data" label. */
  text: string;
}

declare module 'chart.js' {
  interface PluginOptionsByType<TType extends ChartType> {
    /** Options of the gap plugin below (bar charts only). */
    sfGaps?: TType extends 'bar' ? GapOptions : never;
  }
}

/** Shades the runs of buckets without data and writes "no data" in them: an outage is drawn as one. */
const gapPlugin: Plugin<'bar'> = {
  id: 'sfGaps',
  beforeDatasetsDraw(chart: Chart<'bar'>) {
    const values = chart.data.datasets[0]?.data as (number | null)[] | undefined;
    const x = chart.scales['x'];
    if (!values || !x || values.length === 0) return;
    const { ctx, chartArea } = chart;
    const half = values.length > 1 ? (x.getPixelForValue(1) - x.getPixelForValue(0)) / 2 : chartArea.width / 2;
    const options = chart.options.plugins?.sfGaps;
    ctx.save();
    for (const [from, to] of gapRuns(values)) {
      const left = x.getPixelForValue(from) - half;
      const right = x.getPixelForValue(to) + half;
      ctx.fillStyle = options?.fill ?? 'rgba(0,0,0,0.08)';
      ctx.fillRect(left, chartArea.top, right - left, chartArea.height);
      if (right - left > 48) {
        ctx.fillStyle = options?.text ?? '#666';
        ctx.font = '12px system-ui, sans-serif';
        ctx.textAlign = 'center';
        ctx.fillText('no data', (left + right) / 2, chartArea.top + 16);
      }
    }
    ctx.restore();
  },
};

/**
 * The throughput chart with its ranges: the latest 20 seconds (the default) and the last minute come
 * live from the socket; 15 minutes and an hour come from the server's persisted history, fetched again every step while shown. Seconds
 * without data are gaps, not zeros. The shown range exports as CSV or JSON.
 */
@Component({
  selector: 'sf-stats-chart',
  imports: [BarCanvas],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './stats-chart.html',
  styleUrl: './stats-chart.css',
})
export class StatsChart {
  readonly view = input.required<StatsView>();
  /** Greyed out and not refreshed while the server is unreachable. */
  readonly stale = input.required<boolean>();

  private readonly api = inject(ServerApi);
  private readonly scheme = inject(ColorScheme);
  protected readonly ranges = RANGES;
  protected readonly rangeLabels = RANGE_LABELS;
  protected readonly range = signal<ChartRange>('20s');
  protected readonly title = computed(() => RANGE_TITLES[this.range()]);
  protected readonly plugins = [gapPlugin];
  private readonly history = signal<StatsSeries | null>(null);
  protected readonly historyError = signal<string | null>(null);

  protected readonly series = computed<StatsSeries>(() => {
    const range = this.range();
    if (isLiveRange(range)) {
      const { chart, samples } = this.view();
      return liveSeries(chart, samples, LIVE_SECONDS[range]);
    }
    return this.history() ?? EMPTY_SERIES;
  });
  protected readonly summary = computed(() => seriesSummary(this.series()));

  /** A new object on every change: the directive sees the input change and updates the existing chart. */
  protected readonly chartData = computed<ChartData<'bar', (number | null)[]>>(() => {
    this.scheme.dark();
    const s = this.series();
    return {
      labels: s.labels,
      datasets: [
        { label: 'produced', data: s.produced, backgroundColor: this.scheme.cssVar('--produced', '#2457d6'), borderRadius: 2 },
        { label: 'completed', data: s.completed, backgroundColor: this.scheme.cssVar('--completed', '#17915f'), borderRadius: 2 },
      ],
    };
  });

  protected readonly chartOptions = computed<ChartConfiguration<'bar', (number | null)[]>['options']>(() => {
    this.scheme.dark();
    const grid = this.scheme.cssVar('--chart-grid', '#e6e9f0');
    const tick = this.scheme.cssVar('--chart-tick', '#5d6780');
    return {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: {
        x: { grid: { display: false }, ticks: { color: tick, maxRotation: 0, autoSkip: true, autoSkipPadding: 16 } },
        y: { beginAtZero: true, grid: { color: grid }, ticks: { color: tick, precision: 0 } },
      },
      plugins: {
        tooltip: { mode: 'index', intersect: false },
        sfGaps: { fill: this.scheme.cssVar('--gap-fill', 'rgba(0,0,0,0.08)'), text: tick },
      },
    };
  });

  constructor() {
    // History for the longer ranges: at once, then every step (a new bucket), not while stale.
    toObservable(computed(() => ({ range: this.range(), stale: this.stale() })))
      .pipe(
        switchMap(({ range, stale }) => {
          if (isLiveRange(range) || stale) return EMPTY;
          return timer(0, HISTORY_RANGES[range].stepSec * 1000).pipe(
            switchMap(() =>
              this.api.history(range).pipe(
                map((history) => ({ ok: true as const, series: historySeries(history, formatClock) })),
                catchError((error: unknown) => {
                  const failure = toApiFailure(error);
                  const message =
                    failure.status === 404
                      ? 'This server does not keep a history yet: only the last minute is available.'
                      : failure.message;
                  return of({ ok: false as const, message });
                }),
              ),
            ),
          );
        }),
        takeUntilDestroyed(),
      )
      .subscribe((res) => {
        if (res.ok) {
          this.history.set(res.series);
          this.historyError.set(null);
        } else this.historyError.set(res.message);
      });
  }

  protected setRange(range: ChartRange): void {
    if (range === this.range()) return;
    this.history.set(null);
    this.historyError.set(null);
    this.range.set(range);
  }

  protected export(format: 'csv' | 'json'): void {
    const s = this.series();
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const name = `storyflow-stats-${this.range()}-${stamp}.${format}`;
    if (format === 'csv') downloadText(name, toCsv(s.samples), 'text/csv');
    else downloadText(name, toJson(this.range(), s.stepSec, s.samples), 'application/json');
  }
}
