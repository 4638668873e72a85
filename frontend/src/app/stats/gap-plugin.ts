import type { Chart, ChartType, Plugin } from 'chart.js';

export interface GapOptions {
  /** The runs of steps without data (index ranges, inclusive: see gapRuns). */
  runs: [number, number][];
  /** Fill of a run without data. */
  fill: string;
  /** Color of its "no data" label. */
  text: string;
}

declare module 'chart.js' {
  interface PluginOptionsByType<TType extends ChartType> {
    /** Options of the gap plugin below. */
    sfGaps?: TType extends ChartType ? GapOptions : never;
  }
}

/**
 * Shades the runs of steps without data and writes "no data" in them: an outage is drawn as one. The
 * runs come with the options, from the throughput series: in the latency chart a step where no story
 * finished has no point either, but the server was up.
 */
export const gapPlugin: Plugin<'bar' | 'line'> = {
  id: 'sfGaps',
  beforeDatasetsDraw(chart: Chart<'bar' | 'line'>) {
    // Chart.js hands plugin options over deeply partial.
    const options = chart.options.plugins?.sfGaps;
    const runs = (options?.runs ?? []) as [number, number][];
    const x = chart.scales['x'];
    const steps = chart.data.labels?.length ?? 0;
    if (!x || steps === 0 || runs.length === 0) return;
    const { ctx, chartArea } = chart;
    const half = steps > 1 ? (x.getPixelForValue(1) - x.getPixelForValue(0)) / 2 : chartArea.width / 2;
    ctx.save();
    for (const [from, to] of runs) {
      const left = Math.max(chartArea.left, x.getPixelForValue(from) - half);
      const right = Math.min(chartArea.right, x.getPixelForValue(to) + half);
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
