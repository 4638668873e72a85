import { DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import type { ChartConfiguration, ChartData } from 'chart.js';
import { BaseChartDirective, provideCharts, withDefaultRegisterables } from 'ng2-charts';
import { StatsStream } from '../realtime/stats-stream';
import type { ConnectionState } from '../realtime/stats-window';

const CONNECTION_TEXT: Record<ConnectionState, string> = {
  connecting: 'connecting…',
  live: 'live',
  reconnecting: 'reconnecting…',
  offline: 'offline, retrying…',
};

/** Live statistics: four figures, a 20-second bar chart and the worker pool, updated every second. */
@Component({
  selector: 'sf-stats-page',
  imports: [BaseChartDirective, DecimalPipe],
  // Chart.js is registered here so it loads with this lazy screen, not with the app.
  providers: [provideCharts(withDefaultRegisterables())],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="title-row">
      <h1>Live statistics</h1>
      <div class="status">
        @if (view().dropped > 0) {
          <!-- Payloads that did not match the contract: a sign the server and the dashboard disagree. -->
          <span class="dropped" data-testid="dropped"
            >{{ view().dropped }} malformed {{ view().dropped === 1 ? 'update' : 'updates' }} ignored</span
          >
        }
        <span class="connection" [attr.data-state]="view().connection" data-testid="connection" role="status">
          <span class="dot" aria-hidden="true"></span>{{ connectionText() }}
        </span>
      </div>
    </div>

    <section class="figures" aria-label="Throughput and totals">
      @for (figure of figures(); track figure.id) {
        <div class="figure card">
          <span class="figure-label">{{ figure.label }}</span>
          <span class="figure-value" [attr.data-testid]="'figure-' + figure.id">{{
            figure.value === null ? '–' : (figure.value | number)
          }}</span>
        </div>
      }
    </section>

    <section class="chart card" aria-labelledby="chart-title">
      <div class="chart-head">
        <h2 id="chart-title">Stories per second, latest 20 seconds</h2>
        <span class="legend" aria-hidden="true">
          <span class="key produced"></span>produced <span class="key completed"></span>completed
        </span>
      </div>
      <div class="chart-box">
        <canvas
          baseChart
          data-testid="stats-chart"
          type="bar"
          [data]="chartData()"
          [options]="chartOptions"
          [legend]="false"
          role="img"
          [attr.aria-label]="chartSummary()"
        ></canvas>
      </div>
      <p class="sr-only" data-testid="chart-summary">{{ chartSummary() }}</p>
    </section>

    <section class="pool card" aria-label="Worker pool">
      <div>
        <span class="pool-label">Pool size</span><span class="pool-value" data-testid="pool-size">{{ f()?.poolSize ?? '–' }}</span>
      </div>
      <div>
        <span class="pool-label">Busy workers</span><span class="pool-value" data-testid="busy-workers">{{ f()?.busyWorkers ?? '–' }}</span>
      </div>
      <div>
        <span class="pool-label">Backlog tasks</span
        ><span class="pool-value" data-testid="backlog-tasks">{{ f()?.backlogTasks ?? '–' }}</span>
      </div>
      <div class="pool-bar" aria-hidden="true">
        <span [style.width.%]="busyPercent()"></span>
      </div>
    </section>
  `,
  styleUrl: './stats-page.css',
})
export class StatsPage {
  private readonly stream = inject(StatsStream);
  protected readonly view = this.stream.view;
  protected readonly f = computed(() => this.view().figures);
  protected readonly connectionText = computed(() => CONNECTION_TEXT[this.view().connection]);

  protected readonly figures = computed(() => {
    const f = this.f();
    return [
      { id: 'produced', label: 'Stories produced / s', value: f?.producedPerSec ?? null },
      { id: 'completed-per-sec', label: 'Stories completed / s', value: f?.completedPerSec ?? null },
      { id: 'open', label: 'Open stories', value: f?.open ?? null },
      { id: 'completed', label: 'Completed stories', value: f?.completed ?? null },
    ];
  });

  protected readonly busyPercent = computed(() => {
    const f = this.f();
    return f && f.poolSize > 0 ? Math.min(100, (100 * f.busyWorkers) / f.poolSize) : 0;
  });

  /** A new object every second: the directive sees the input change and updates the existing chart. */
  protected readonly chartData = computed<ChartData<'bar'>>(() => {
    const chart = this.view().chart;
    return {
      labels: chart.labels,
      datasets: [
        { label: 'produced', data: chart.produced, backgroundColor: '#2457d6', borderRadius: 2 },
        { label: 'completed', data: chart.completed, backgroundColor: '#17915f', borderRadius: 2 },
      ],
    };
  });

  protected readonly chartSummary = computed(() => {
    const { labels, produced, completed } = this.view().chart;
    if (labels.length === 0) return 'No data yet';
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    return `From ${labels[0]} to ${labels.at(-1)}: ${sum(produced)} produced, ${sum(completed)} completed`;
  });

  protected readonly chartOptions: ChartConfiguration<'bar'>['options'] = {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    scales: {
      x: { grid: { display: false }, ticks: { maxRotation: 0, autoSkip: true, autoSkipPadding: 12 } },
      y: { beginAtZero: true, ticks: { precision: 0 } },
    },
    plugins: { tooltip: { mode: 'index', intersect: false } },
  };

  constructor() {
    this.stream.start();
  }
}
