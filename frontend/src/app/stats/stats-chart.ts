import { DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { takeUntilDestroyed, toObservable } from '@angular/core/rxjs-interop';
import { HISTORY_RANGES } from '@storyflow/contracts/realtime';
import type { ChartData, ChartOptions } from 'chart.js';
import { EMPTY, catchError, map, of, switchMap, timer } from 'rxjs';
import { toApiFailure } from '../core/api-failure';
import { ColorScheme } from '../core/color-scheme';
import { ServerApi } from '../core/server-api';
import type { StatsView } from '../realtime/stats-window';
import { stepLabel } from '../realtime/clock-format';
import type { CanvasKind } from './chart-canvas';
import { ChartCanvas } from './chart-canvas';
import { downloadText } from './download';
import { gapPlugin } from './gap-plugin';
import { blameText, rangeBlame } from './latency-blame-text';
import {
  EMPTY_SERIES,
  CHART_RANGES,
  RANGE_LABELS,
  RANGE_TITLES,
  LIVE_SECONDS,
  gapRuns,
  historySeries,
  isLiveRange,
  latencySummary,
  liveSeries,
  rangeLatency,
  seriesSummary,
  toCsv,
  toJson,
  type ChartRange,
  type StatsSeries,
} from './stats-series';

type Series = ChartData<CanvasKind, (number | null)[]>;

/** "p95: 23 ms" (a tooltip line of the latency chart). */
const latencyTooltip = (item: { dataset: { label?: string }; parsed: { y: number | null } }) =>
  `${item.dataset.label ?? ''}: ${item.parsed.y ?? '–'} ms`;

/**
 * The throughput chart and, beside it, the story latency chart (p50/p95/p99), with their ranges: the
 * latest 20 seconds (the default) and the last minute come live from the socket; 15 minutes to 90 days
 * come from the server's persisted history (rolled up per minute and per hour as it ages), fetched again every step while shown. Seconds without data
 * are gaps, not zeros, in both. The shown range exports as CSV or JSON, latencies included.
 */
@Component({
  selector: 'sf-stats-chart',
  imports: [ChartCanvas, DecimalPipe],
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
  protected readonly ranges = CHART_RANGES;
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
  protected readonly latencySummary = computed(() => latencySummary(this.series()));
  /** The whole range's story latency, from its summed buckets. */
  protected readonly rangeLatency = computed(() => rangeLatency(this.series()));
  /** Where the range's slowest stories' time went (from each step's slowest); null where none is known. */
  protected readonly rangeBlame = computed(() => blameText(rangeBlame(this.series().samples)));

  /** A new object on every change: the directive sees the input change and updates the existing chart. */
  protected readonly throughputData = computed<Series>(() => {
    this.scheme.dark();
    const s = this.series();
    return {
      labels: s.labels,
      datasets: [
        { label: 'produced', data: s.produced, backgroundColor: this.color('--produced', '#2457d6'), borderRadius: 2 },
        { label: 'completed', data: s.completed, backgroundColor: this.color('--completed', '#17915f'), borderRadius: 2 },
      ],
    };
  });

  /**
   * One line per percentile, told apart by dash as well as color; a step where no story finished has no
   * point. p99 is drawn on top (a lower `order`): where the tail equals p95 it still shows.
   */
  protected readonly latencyData = computed<Series>(() => {
    this.scheme.dark();
    const { labels, latency } = this.series();
    const line = (label: string, data: (number | null)[], color: string, borderDash: number[], order: number) => ({
      label,
      data,
      order,
      borderColor: color,
      backgroundColor: color,
      borderWidth: 2,
      borderDash,
      pointRadius: labels.length > 60 ? 0 : 2,
      spanGaps: false,
      tension: 0,
    });
    return {
      labels,
      datasets: [
        line('p50', latency.p50, this.color('--p50', '#2457d6'), [], 2),
        line('p95', latency.p95, this.color('--p95', '#a15c00'), [6, 3], 1),
        line('p99', latency.p99, this.color('--p99', '#c0262d'), [2, 2], 0),
      ],
    };
  });

  protected readonly throughputOptions = computed(() => this.options('stories'));
  protected readonly latencyOptions = computed(() => this.options('ms'));

  constructor() {
    // History for the longer ranges: at once, then every step (a new bucket), not while stale.
    toObservable(computed(() => ({ range: this.range(), stale: this.stale() })))
      .pipe(
        switchMap(({ range, stale }) => {
          if (isLiveRange(range) || stale) return EMPTY;
          return timer(0, HISTORY_RANGES[range].stepSec * 1000).pipe(
            switchMap(() =>
              this.api.history(range).pipe(
                map((history) => ({ ok: true as const, series: historySeries(history, stepLabel(history.stepSec)) })),
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

  private color(name: string, fallback: string): string {
    return this.scheme.cssVar(name, fallback);
  }

  /** Both charts' options: the same axes, grid and gap shading (the throughput series' gaps); ms on the latency ticks. */
  private options(unit: 'stories' | 'ms'): ChartOptions<CanvasKind> {
    this.scheme.dark();
    const grid = this.color('--chart-grid', '#e6e9f0');
    const tick = this.color('--chart-tick', '#5d6780');
    const ms = unit === 'ms';
    return {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: {
        // Offset as bars are: a line's steps sit where the bars of the same seconds do, the last one whole.
        x: { offset: true, grid: { display: false }, ticks: { color: tick, maxRotation: 0, autoSkip: true, autoSkipPadding: 16 } },
        y: {
          beginAtZero: true,
          grid: { color: grid },
          ticks: { color: tick, precision: 0, ...(ms ? { callback: (value: string | number) => `${value} ms` } : {}) },
        },
      },
      plugins: {
        tooltip: {
          mode: 'index',
          intersect: false,
          // p50 first, whatever the drawing order.
          itemSort: (a, b) => a.datasetIndex - b.datasetIndex,
          ...(ms ? { callbacks: { label: latencyTooltip } } : {}),
        },
        sfGaps: { runs: gapRuns(this.series().produced), fill: this.color('--gap-fill', 'rgba(0,0,0,0.08)'), text: tick },
      },
    };
  }
}
