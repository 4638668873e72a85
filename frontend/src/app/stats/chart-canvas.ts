import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import {
  BarController,
  BarElement,
  CategoryScale,
  LineController,
  LineElement,
  LinearScale,
  PointElement,
  Tooltip,
  type ChartData,
  type ChartOptions,
  type Plugin,
} from 'chart.js';
import { BaseChartDirective, provideCharts } from 'ng2-charts';

/** The chart kinds the stats screen draws: throughput bars, latency lines. */
export type CanvasKind = 'bar' | 'line';

/**
 * A chart's canvas, on its own so that Chart.js loads with it: the stats screen shows its heading and
 * figures first and defers this (see stats-chart.html). Only what a bar chart and a line chart with a
 * tooltip use is registered, not Chart.js's every controller, element, scale and plugin.
 */
@Component({
  selector: 'sf-chart-canvas',
  imports: [BaseChartDirective],
  providers: [
    provideCharts({
      registerables: [BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Tooltip],
    }),
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<canvas
    baseChart
    [attr.data-testid]="testId()"
    [type]="kind()"
    [data]="data()"
    [options]="options()"
    [plugins]="plugins()"
    [legend]="false"
    role="img"
    [attr.aria-label]="label()"
  ></canvas>`,
  styles: `
    :host {
      display: block;
      position: relative;
      height: 100%;
      min-width: 0;
      overflow: hidden;
    }
    /* Chart.js sizes the canvas in px and follows a narrower box a frame later: never wider than the box meanwhile. */
    canvas {
      max-width: 100%;
    }
  `,
})
export class ChartCanvas {
  readonly kind = input.required<CanvasKind>();
  readonly data = input.required<ChartData<CanvasKind, (number | null)[]>>();
  readonly options = input.required<ChartOptions<CanvasKind>>();
  readonly plugins = input<Plugin<CanvasKind>[]>([]);
  /** The accessible name: one sentence summing the chart up. */
  readonly label = input.required<string>();
  readonly testId = input.required<string>();
}
