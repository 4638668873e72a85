import {
  mergeLatency,
  packBuckets,
  slowestStories,
  unpackBuckets,
  type LatencySecond,
  type LatencySketch,
  type StatsSample,
  type StoryPhases,
} from '@storyflow/contracts';

/**
 * How one second is stored, compactly: `[produced, completed, open, completedTotal, pool, busy, backlog,
 * paused, tasksDone, oldestOpenAge]` (the age −1 for none), and its story latencies apart as packed
 * buckets (see packBuckets) and as a sketch `[zeros, offset, ...counts]`. Seconds stored before the last two
 * figures existed have 8 numbers; before the sketch, buckets only (their ranges' percentiles are bucket bounds).
 */
export interface StoredSecond {
  figures: number[];
  latency?: number[];
  sketch?: number[];
  /** Its slowest stories' phases, flat: `[waiting, running, committing, waiting, …]`. */
  slow?: number[];
}

const packSlow = (slowest: readonly StoryPhases[]): number[] => slowest.flat();
const unpackSlow = (flat: readonly number[] = []): StoryPhases[] =>
  Array.from({ length: Math.floor(flat.length / 3) }, (_, i) => [flat[3 * i]!, flat[3 * i + 1]!, flat[3 * i + 2]!]);

const packSketch = (s: LatencySketch): number[] => [s.zeros, s.offset, ...s.counts];
const unpackSketch = (packed: readonly number[]): LatencySketch | undefined =>
  packed.length >= 2 ? { zeros: packed[0]!, offset: packed[1]!, counts: packed.slice(2) } : undefined;

const packLatency = (latency: Pick<LatencySecond, 'buckets' | 'sketch'>): Pick<StoredSecond, 'latency' | 'sketch'> => ({
  latency: packBuckets(latency.buckets),
  ...(latency.sketch ? { sketch: packSketch(latency.sketch) } : {}),
});

export function storeSecond(sample: StatsSample): StoredSecond {
  const figures = [
    sample.producedPerSec,
    sample.completedPerSec,
    sample.open,
    sample.completed,
    sample.poolSize,
    sample.busyWorkers,
    sample.backlogTasks,
    sample.paused ? 1 : 0,
    sample.tasksDonePerSec ?? 0,
    sample.oldestOpenAgeSec ?? -1,
  ];
  const slow = sample.slowStories?.length ? { slow: packSlow(sample.slowStories) } : {};
  return { figures, ...(sample.latency ? packLatency(sample.latency) : {}), ...slow };
}

/**
 * Seconds of the whole server: each second's instances summed (see addSecond), and many seconds folded into one (see foldSpans).
 * `figures` as stored, but the rates are summed over the `n` seconds and the gauges are the last second's.
 */
export interface SummedSpan {
  n: number;
  figures: number[];
  latency: Pick<LatencySecond, 'buckets' | 'sketch'>[];
  /** The slowest stories' phases, slowest first (see slowestStories). */
  slow: StoryPhases[];
}

const RATES = new Set([0, 1, 8]);
const PAUSED = 7;
const TASKS_DONE = 8;
const OLDEST_AGE = 9;

function readLatency(stored: Pick<StoredSecond, 'latency' | 'sketch'>): SummedSpan['latency'] {
  const sketch = stored.sketch && unpackSketch(stored.sketch);
  return stored.latency ? [{ buckets: unpackBuckets(stored.latency), ...(sketch ? { sketch } : {}) }] : [];
}

/** Adds an instance's second to the others' of that second: counts and gauges add up, paused and the oldest age are the most of them. */
export function addSecond(sum: SummedSpan | undefined, second: StoredSecond): SummedSpan {
  const latency = readLatency(second);
  const slow = unpackSlow(second.slow);
  if (!sum) return { n: 1, figures: [...second.figures], latency, slow };
  second.figures.forEach((value, k) => {
    const mine = sum.figures[k];
    if (mine === undefined) sum.figures[k] = value;
    else sum.figures[k] = k === PAUSED || k === OLDEST_AGE ? Math.max(mine, value) : mine + value;
  });
  sum.latency.push(...latency);
  sum.slow = slowestStories([sum.slow, slow]);
  return sum;
}

/** Spans in time order as one: their seconds counted, rates summed, the last one's gauges, latencies merged. */
export function foldSpans(spans: readonly SummedSpan[]): SummedSpan {
  const last = spans.at(-1)!.figures;
  const figures = last.map((gauge, k) => (RATES.has(k) ? spans.reduce((sum, s) => sum + (s.figures[k] ?? 0), 0) : gauge));
  const latency = mergeLatency(spans.flatMap((s) => s.latency));
  const slow = slowestStories(spans.map((s) => s.slow));
  return { n: spans.reduce((sum, s) => sum + s.n, 0), figures, latency: latency ? [latency] : [], slow };
}

/** A folded span as stored (history rollups): its seconds' count, its figures and its merged latencies, packed as a second's. */
export interface StoredSpan extends StoredSecond {
  n: number;
}

export function storeSpan(span: SummedSpan): StoredSpan {
  const latency = mergeLatency(span.latency);
  return {
    n: span.n,
    figures: span.figures,
    ...(latency ? packLatency(latency) : {}),
    ...(span.slow.length ? { slow: packSlow(span.slow) } : {}),
  };
}

export const readSpan = (stored: StoredSpan): SummedSpan => ({
  n: stored.n,
  figures: [...stored.figures],
  latency: readLatency(stored),
  slow: unpackSlow(stored.slow),
});

const round = (x: number) => Math.round(x * 100) / 100;

/** A span as the dashboard's sample at `t`: rates per second (averaged over its seconds), gauges as of its last second. */
function spanSample(t: number, span: SummedSpan): StatsSample {
  const { figures, n } = span;
  const mean = (k: number) => round((figures[k] ?? 0) / n);
  const latency = mergeLatency(span.latency);
  const oldest = figures[OLDEST_AGE];
  return {
    t,
    producedPerSec: mean(0),
    completedPerSec: mean(1),
    open: figures[2]!,
    completed: figures[3]!,
    poolSize: figures[4]!,
    busyWorkers: figures[5]!,
    backlogTasks: figures[6]!,
    paused: figures[PAUSED] === 1,
    ...(figures.length > TASKS_DONE ? { tasksDonePerSec: mean(TASKS_DONE) } : {}),
    ...(oldest !== undefined ? { oldestOpenAgeSec: oldest < 0 ? null : oldest } : {}),
    ...(latency ? { latency } : {}),
    ...(span.slow.length ? { slowStories: span.slow } : {}),
  };
}

/**
 * The spans (keyed by their start) in buckets of `stepMs`, oldest first: rates averaged over the seconds with figures, gauges the
 * last span's, latencies merged; a bucket without any span is absent (a gap).
 */
export const bucketSeconds = (spans: ReadonlyMap<number, SummedSpan>, stepMs: number): StatsSample[] => stepSamples(inSteps(spans, stepMs));

/** Spans folded per step (see inSteps) as the dashboard's samples, oldest first. */
export const stepSamples = (steps: ReadonlyMap<number, SummedSpan>): StatsSample[] =>
  [...steps].sort((a, b) => a[0] - b[0]).map(([t, span]) => spanSample(t, span));

/** The spans (keyed by their start) folded per step of `stepMs`, keyed by the step's start. */
export function inSteps(spans: ReadonlyMap<number, SummedSpan>, stepMs: number): Map<number, SummedSpan> {
  const steps = new Map<number, [number, SummedSpan][]>();
  for (const entry of spans) {
    const start = entry[0] - (entry[0] % stepMs);
    const inStep = steps.get(start);
    if (inStep) inStep.push(entry);
    else steps.set(start, [entry]);
  }
  return new Map([...steps].map(([t, inStep]) => [t, foldSpans(inStep.sort((a, b) => a[0] - b[0]).map(([, span]) => span))]));
}
