import { HISTORY_RANGES, type HistoryRange, type StatsHistoryDto, type StatsSample } from '@storyflow/contracts/stats';

/** What the chart draws: one bar per step; null where the server has no data (it was down): a gap. */
export interface StatsSeries {
  times: number[];
  labels: string[];
  produced: (number | null)[];
  completed: (number | null)[];
  stepSec: number;
  /** The samples behind it, for export. */
  samples: StatsSample[];
}

export const EMPTY_SERIES: StatsSeries = { times: [], labels: [], produced: [], completed: [], stepSec: 1, samples: [] };

/**
 * The buckets of a history answer from `from` to `to`, every `stepSec`: a point where the server had
 * data, null where it had none. Points that fall between buckets are placed in the bucket they start in.
 */
export function historySeries(history: StatsHistoryDto, formatLabel: (t: number) => string): StatsSeries {
  const step = history.stepSec * 1000;
  const byBucket = new Map<number, StatsSample>();
  for (const p of history.points) byBucket.set(Math.floor((p.t - history.from) / step), p);
  const count = Math.max(0, Math.floor((history.to - history.from) / step));
  const series: StatsSeries = { times: [], labels: [], produced: [], completed: [], stepSec: history.stepSec, samples: history.points };
  for (let i = 0; i < count; i++) {
    const t = history.from + i * step;
    const p = byBucket.get(i);
    series.times.push(t);
    series.labels.push(formatLabel(t));
    series.produced.push(p ? p.producedPerSec : null);
    series.completed.push(p ? p.completedPerSec : null);
  }
  return series;
}

export const RANGE_TITLES: Record<HistoryRange, string> = {
  '1m': 'last minute',
  '15m': `last 15 minutes (${HISTORY_RANGES['15m'].stepSec}-second averages)`,
  '1h': `last hour (${HISTORY_RANGES['1h'].stepSec}-second averages)`,
};

export const RANGE_LABELS: Record<HistoryRange, string> = { '1m': '1 min', '15m': '15 min', '1h': '1 h' };

/** Runs of consecutive nulls (index ranges, inclusive), for drawing outages as shaded gaps. */
export function gapRuns(values: readonly (number | null)[]): [number, number][] {
  const runs: [number, number][] = [];
  let start = -1;
  values.forEach((v, i) => {
    if (v === null && start === -1) start = i;
    if (v !== null && start !== -1) {
      runs.push([start, i - 1]);
      start = -1;
    }
  });
  if (start !== -1) runs.push([start, values.length - 1]);
  return runs;
}

/** Sums of the drawn bars, for the chart's text summary (gaps count as nothing). */
export function seriesSummary(series: StatsSeries): string {
  if (series.labels.length === 0) return 'No data yet';
  const sum = (xs: (number | null)[]) => Math.round(xs.reduce<number>((a, b) => a + (b ?? 0) * series.stepSec, 0));
  const gaps = gapRuns(series.produced).length;
  return (
    `From ${series.labels[0]} to ${series.labels.at(-1)}: ${sum(series.produced)} produced, ${sum(series.completed)} completed` +
    (gaps > 0 ? `; ${gaps === 1 ? 'one gap' : `${gaps} gaps`} without data` : '')
  );
}

const CSV_COLUMNS = [
  't',
  'producedPerSec',
  'completedPerSec',
  'open',
  'completed',
  'poolSize',
  'busyWorkers',
  'backlogTasks',
  'paused',
] as const;

/** One line per sample, the time as ISO 8601; the header names the contract's fields. */
export function toCsv(samples: readonly StatsSample[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const s of samples) {
    lines.push(
      [
        new Date(s.t).toISOString(),
        s.producedPerSec,
        s.completedPerSec,
        s.open,
        s.completed,
        s.poolSize,
        s.busyWorkers,
        s.backlogTasks,
        s.paused === undefined ? '' : String(s.paused),
      ].join(','),
    );
  }
  return lines.join('\n') + '\n';
}

export function toJson(range: HistoryRange, stepSec: number, samples: readonly StatsSample[]): string {
  const points = samples.map(({ instances: _instances, ...rest }) => rest);
  return JSON.stringify({ range, stepSec, exportedAt: new Date().toISOString(), points }, null, 2) + '\n';
}
