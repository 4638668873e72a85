import type { StatsHistoryDto, StatsSample } from '@storyflow/contracts/stats';
import { latencySecond } from '@storyflow/contracts/latency';
import type { LatencyBlame, StoryPhases } from '@storyflow/contracts/latency-blame';
import {
  EMPTY_SERIES,
  gapRuns,
  historySeries,
  latencySummary,
  liveSeries,
  rangeLatency,
  seriesSummary,
  toCsv,
  toJson,
} from './stats-series';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const point = (sec: number, produced: number, completed: number): StatsSample => ({
  t: T0 + sec * 1000,
  producedPerSec: produced,
  completedPerSec: completed,
  open: 3,
  completed: 100 + sec,
  poolSize: 8,
  busyWorkers: 2,
  backlogTasks: 40,
});

describe('stats series', () => {
  it('lays a history on its buckets, a missing bucket being a gap (the server was down)', () => {
    const history: StatsHistoryDto = {
      range: '15m',
      stepSec: 5,
      from: T0,
      to: T0 + 30_000,
      points: [point(0, 10, 9), point(5, 12, 11), point(25, 4, 4)],
    };
    const series = historySeries(history, (t) => String((t - T0) / 1000));
    expect(series.labels).toEqual(['0', '5', '10', '15', '20', '25']);
    expect(series.produced).toEqual([10, 12, null, null, null, 4]);
    expect(series.completed).toEqual([9, 11, null, null, null, 4]);
    expect(series.stepSec).toBe(5);
    expect(gapRuns(series.produced)).toEqual([[2, 4]]);
    // Per-second averages over 5-second buckets: 26 × 5 stories produced.
    expect(seriesSummary(series)).toBe('From 0 to 25: 130 produced, 120 completed; one gap without data');
  });

  it('cuts the live window to its last seconds, with the samples behind them (a gap stays a gap)', () => {
    const times = [0, 1, 2, 3, 4].map((sec) => T0 + sec * 1000);
    const chart = { times, labels: ['0', '1', '2', '3', '4'], produced: [1, 2, null, 4, 5], completed: [1, 1, null, 3, 4] };
    const samples = [point(0, 1, 1), point(1, 2, 1), point(3, 4, 3), point(4, 5, 4)];
    const series = liveSeries(chart, samples, 3);
    expect(series.labels).toEqual(['2', '3', '4']);
    expect(series.produced).toEqual([null, 4, 5]);
    expect(series.samples.map((s) => s.t)).toEqual([T0 + 3000, T0 + 4000]);
    expect(series.stepSec).toBe(1);
    expect(series.latency).toEqual({ p50: [null, null, null], p95: [null, null, null], p99: [null, null, null] });
    // A window shorter than asked for is shown whole.
    expect(liveSeries(chart, samples, 60).labels).toHaveLength(5);
  });

  it('draws latency lines at the steps where stories finished, and sums the range up from its buckets', () => {
    const history: StatsHistoryDto = {
      range: '15m',
      stepSec: 5,
      from: T0,
      to: T0 + 15_000,
      points: [
        { ...point(0, 10, 9), latency: latencySecond([21, 22])! },
        point(5, 1, 1),
        { ...point(10, 1, 1), latency: latencySecond([300])! },
      ],
    };
    const series = historySeries(history, (t) => String((t - T0) / 1000));
    expect(series.latency).toEqual({ p50: [21, null, 300], p95: [22, null, 300], p99: [22, null, 300] });
    expect(rangeLatency(series)).toEqual({ count: 3, p50: 22, p95: 301.9, p99: 301.9 });
    expect(latencySummary(series)).toBe('From 0 to 10, story latency p50 22 ms, p95 301.9 ms, p99 301.9 ms over 3 stories');
    // Steps stored before sketches were kept: bucket bounds, said so.
    const older = {
      ...series,
      samples: series.samples.map((s) => (s.latency ? { ...s, latency: { ...s.latency, sketch: undefined } } : s)),
    };
    expect(latencySummary(older)).toBe('From 0 to 10, story latency p50 ≤ 22 ms, p95 ≤ 500 ms, p99 ≤ 500 ms over 3 stories');
    expect(latencySummary({ ...series, samples: [] })).toBe('From 0 to 10: no story finished');
    expect(latencySummary(EMPTY_SERIES)).toBe('No data yet');
  });

  it('finds every run of gaps', () => {
    expect(gapRuns([null, 1, null, null, 2, null])).toEqual([
      [0, 0],
      [2, 3],
      [5, 5],
    ]);
    expect(gapRuns([1, 2])).toEqual([]);
    expect(seriesSummary(EMPTY_SERIES)).toBe('No data yet');
  });

  it('exports CSV with a header and ISO times, and JSON with the range', () => {
    const latency = latencySecond([21, 22, 300])!;
    const slowStories: StoryPhases[] = [
      [250, 40, 10],
      [5, 10, 7],
    ];
    const csv = toCsv([
      point(0, 10, 9),
      { ...point(1, 1, 2), paused: true, tasksDonePerSec: 80, oldestOpenAgeSec: null, latency, slowStories },
      // Phases without stories Done: the slowest one still counts (1 % of nothing is at least one).
      { ...point(2, 1, 2), slowStories: [[1, 2, 3]] },
    ]);
    expect(csv.split('\n')).toEqual([
      't,producedPerSec,completedPerSec,open,completed,poolSize,busyWorkers,backlogTasks,paused,tasksDonePerSec,oldestOpenAgeSec,latencyCount,latencyP50Ms,latencyP95Ms,latencyP99Ms,slowStories,slowWaitingMs,slowRunningMs,slowCommittingMs',
      '2026-01-01T12:00:00.000Z,10,9,3,100,8,2,40,,,,0,,,,,,,',
      // 1 % of 3 stories: the slowest one.
      '2026-01-01T12:00:01.000Z,1,2,3,101,8,2,40,true,80,,3,22,300,300,1,250,40,10',
      '2026-01-01T12:00:02.000Z,1,2,3,102,8,2,40,,,,0,,,,1,1,2,3',
      '',
    ]);
    type Point = StatsSample & { blame: LatencyBlame | null };
    const json = JSON.parse(toJson('1h', 15, [point(0, 10, 9), { ...point(1, 1, 2), latency, slowStories }])) as {
      range: string;
      stepSec: number;
      points: Point[];
    };
    expect(json.range).toBe('1h');
    expect(json.stepSec).toBe(15);
    expect(json.points).toEqual([
      { ...point(0, 10, 9), blame: null },
      {
        ...point(1, 1, 2),
        latency,
        slowStories,
        blame: { stories: 1, waitingMs: 250, runningMs: 40, committingMs: 10, dominant: 'waiting', share: 250 / 300 },
      },
    ]);
  });
});
