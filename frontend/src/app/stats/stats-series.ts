import { latencyOverRange } from '@storyflow/contracts/latency';
import { latencyBlame, type LatencyBlame } from '@storyflow/contracts/latency-blame';
import { HISTORY_RANGES, type HistoryRange } from '@storyflow/contracts/realtime';
import type { StatsHistoryDto, StatsSample } from '@storyflow/contracts/stats';

/** Story latency percentiles per step, ms: null where no story finished, or the server has no data. */
export interface LatencyLines {
  p50: (number | null)[];
  p95: (number | null)[];
  p99: (number | null)[];
}

/**
 * What the charts draw: one bar (and latency point) per step; null where the server has no data (it
 * was down): a gap.
 */
export interface StatsSeries {
  times: number[];
  labels: string[];
  produced: (number | null)[];
  completed: (number | null)[];
  latency: LatencyLines;
  stepSec: number;
  /** The samples behind it, for export. */
  samples: StatsSample[];
}

export const EMPTY_SERIES: StatsSeries = {
  times: [],
  labels: [],
  produced: [],
  completed: [],
  latency: { p50: [], p95: [], p99: [] },
  stepSec: 1,
  samples: [],
};

/** The latency lines at `times`, from the samples (or points) that start at them. */
function latencyLines(times: readonly number[], samples: readonly StatsSample[]): LatencyLines {
  const byTime = new Map(samples.map((s) => [s.t, s.latency]));
  const line = (pick: 'p50' | 'p95' | 'p99') => times.map((t) => byTime.get(t)?.[pick] ?? null);
  return { p50: line('p50'), p95: line('p95'), p99: line('p99') };
}

/**
 * The buckets of a history answer from `from` to `to`, every `stepSec`: a point where the server had
 * data, null where it had none. Points that fall between buckets are placed in the bucket they start in.
 */
export function historySeries(history: StatsHistoryDto, formatLabel: (t: number) => string): StatsSeries {
  const step = history.stepSec * 1000;
  const byBucket = new Map<number, StatsSample>();
  for (const p of history.points) byBucket.set(Math.floor((p.t - history.from) / step), p);
  const count = Math.max(0, Math.floor((history.to - history.from) / step));
  const series: StatsSeries = { ...EMPTY_SERIES, times: [], labels: [], produced: [], completed: [], stepSec: history.stepSec };
  const placed: StatsSample[] = [];
  for (let i = 0; i < count; i++) {
    const t = history.from + i * step;
    const p = byBucket.get(i);
    series.times.push(t);
    series.labels.push(formatLabel(t));
    series.produced.push(p ? p.producedPerSec : null);
    series.completed.push(p ? p.completedPerSec : null);
    if (p) placed.push({ ...p, t });
  }
  return { ...series, latency: latencyLines(series.times, placed), samples: history.points };
}

/**
 * The chart's ranges: the latest 20 seconds (the default) and the last minute are live, from the socket;
 * the longer ones are the server's persisted history (`HistoryRange`).
 */
export type ChartRange = '20s' | HistoryRange;

/** Seconds of each live range (the socket's window holds the last minute). */
export const LIVE_SECONDS = { '20s': 20, '1m': 60 } as const satisfies Partial<Record<ChartRange, number>>;
type LiveRange = keyof typeof LIVE_SECONDS;

export const isLiveRange = (range: ChartRange): range is LiveRange => range in LIVE_SECONDS;

/** "5-second", "30-minute", "12-hour": a step's length as its title says it. */
function stepLength(stepSec: number): string {
  if (stepSec < 60) return `${stepSec}-second`;
  return stepSec < 3600 ? `${stepSec / 60}-minute` : `${stepSec / 3600}-hour`;
}

const HISTORY_TITLES: Record<HistoryRange, string> = {
  '1m': 'Last minute',
  '15m': 'Last 15 minutes',
  '1h': 'Last hour',
  '6h': 'Last 6 hours',
  '24h': 'Last 24 hours',
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
  '90d': 'Last 90 days',
};

export const RANGE_TITLES: Record<ChartRange, string> = {
  '20s': 'Latest 20 seconds',
  ...(Object.fromEntries(
    Object.entries(HISTORY_TITLES).map(([range, title]) => {
      const { stepSec } = HISTORY_RANGES[range as HistoryRange];
      return [range, stepSec === 1 ? title : `${title} (${stepLength(stepSec)} steps)`];
    }),
  ) as Record<HistoryRange, string>),
};

export const RANGE_LABELS: Record<ChartRange, string> = {
  '20s': '20 s',
  '1m': '1 min',
  '15m': '15 min',
  '1h': '1 h',
  '6h': '6 h',
  '24h': '24 h',
  '7d': '7 d',
  '30d': '30 d',
  '90d': '90 d',
};

/** The chart's ranges, in the order their buttons show them. */
export const CHART_RANGES = Object.keys(RANGE_LABELS) as ChartRange[];

/** The last `seconds` bars of the live window, and the samples behind them. */
export function liveSeries(
  chart: Pick<StatsSeries, 'times' | 'labels' | 'produced' | 'completed'>,
  samples: readonly StatsSample[],
  seconds: number,
): StatsSeries {
  const from = Math.max(0, chart.times.length - seconds);
  const first = chart.times[from] ?? Infinity;
  const times = chart.times.slice(from);
  const shown = samples.filter((s) => s.t >= first);
  return {
    times,
    labels: chart.labels.slice(from),
    produced: chart.produced.slice(from),
    completed: chart.completed.slice(from),
    latency: latencyLines(times, shown),
    stepSec: 1,
    samples: shown,
  };
}

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

/**
 * The range's story latency for the chart's caption and summary: percentiles over all its steps, within 1 %
 * from their sketches (bucket bounds, `approximate`, where a step carries none). Null when no story finished in it.
 */
export function rangeLatency(series: StatsSeries) {
  return latencyOverRange(series.samples.map((s) => s.latency));
}

/** The latency chart's one-sentence summary (its accessible name). */
export function latencySummary(series: StatsSeries): string {
  if (series.labels.length === 0) return 'No data yet';
  const range = rangeLatency(series);
  const span = `From ${series.labels[0]} to ${series.labels.at(-1)}`;
  if (!range) return `${span}: no story finished`;
  const le = range.approximate ? '≤ ' : '';
  return `${span}, story latency p50 ${le}${range.p50} ms, p95 ${le}${range.p95} ms, p99 ${le}${range.p99} ms over ${range.count} stories`;
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
  'tasksDonePerSec',
  'oldestOpenAgeSec',
  'latencyCount',
  'latencyP50Ms',
  'latencyP95Ms',
  'latencyP99Ms',
  'slowStories',
  'slowWaitingMs',
  'slowRunningMs',
  'slowCommittingMs',
] as const;

/** Where a point's slowest 1 % of stories spent their time (see latencyBlame); null where no phases are known. */
const pointBlame = (s: StatsSample): LatencyBlame | null => latencyBlame(s.slowStories ?? [], s.latency?.count ?? 0);

const cell = (value: number | boolean | null | undefined) => (value === undefined || value === null ? '' : String(value));

/**
 * One line per sample, the time as ISO 8601; the header names the contract's fields, the latency ones
 * flattened (in a history, the percentiles of a step are bucket bounds; empty: no story finished), then
 * where its slowest stories' time went: how many, and their phases summed, ms (empty: not known).
 */
export function toCsv(samples: readonly StatsSample[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const s of samples) {
    const blame = pointBlame(s);
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
        cell(s.paused),
        cell(s.tasksDonePerSec),
        cell(s.oldestOpenAgeSec),
        s.latency?.count ?? 0,
        cell(s.latency?.p50),
        cell(s.latency?.p95),
        cell(s.latency?.p99),
        cell(blame?.stories),
        cell(blame?.waitingMs),
        cell(blame?.runningMs),
        cell(blame?.committingMs),
      ].join(','),
    );
  }
  return lines.join('\n') + '\n';
}

/** The points as the contract has them (without the per-instance breakdown), each with its slowest stories' blame (null: not known). */
export function toJson(range: ChartRange, stepSec: number, samples: readonly StatsSample[]): string {
  const points = samples.map(({ instances: _instances, ...rest }) => ({ ...rest, blame: pointBlame(rest) }));
  return JSON.stringify({ range, stepSec, exportedAt: new Date().toISOString(), points }, null, 2) + '\n';
}
