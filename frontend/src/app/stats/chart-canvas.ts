import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { BarController, BarElement, CategoryScale, LinearScale, Tooltip, type ChartData, type ChartOptions, type Plugin } from 'chart.js';
import { BaseChartDirective, provideCharts } from 'ng2-charts';

/**
 * The bar chart's canvas, on its own so that Chart.js loads with it: the stats screen shows its heading
 * and figures first and defers this (see stats-chart.html). Only what a bar chart with a tooltip uses is
 * registered, not Chart.js's every controller, element, scale and plugin.
 */
@Component({
  selector: 'sf-bar-canvas',
  imports: [BaseChartDirective],
  providers: [provideCharts({ registerables: [BarController, BarElement, CategoryScale, LinearScale, Tooltip] })],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<canvas
    baseChart
    data-testid="stats-chart"
    type="bar"
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
    }
  `,
})
export class BarCanvas {
  readonly data = input.required<ChartData<'bar', (number | null)[]>>();
  readonly options = input.required<ChartOptions<'bar'>>();
  readonly plugins = input<Plugin<'bar'>[]>([]);
  /** The accessible name: one sentence summing the bars up. */
  readonly label = input.required<string>();
}
