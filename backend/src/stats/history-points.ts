import { mergeLatency, packBuckets, unpackBuckets, type LatencySecond, type LatencySketch, type StatsSample } from '@storyflow/contracts';

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
}

const packSketch = (s: LatencySketch): number[] => [s.zeros, s.offset, ...s.counts];
const unpackSketch = (packed: readonly number[]): LatencySketch | undefined =>
  packed.length >= 2 ? { zeros: packed[0]!, offset: packed[1]!, counts: packed.slice(2) } : undefined;

const PAUSED = 7;
const TASKS_DONE = 8;
const OLDEST_AGE = 9;

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
  const { latency } = sample;
  if (!latency) return { figures };
  return { figures, latency: packBuckets(latency.buckets), ...(latency.sketch ? { sketch: packSketch(latency.sketch) } : {}) };
}

/** One second of the whole server: its instances' stored seconds summed (see addSecond). */
export interface SummedSecond {
  figures: number[];
  latency: Pick<LatencySecond, 'buckets' | 'sketch'>[];
}

/** Adds an instance's second to the others' of that second: counts and gauges add up, paused and the oldest age are the most of them. */
export function addSecond(sum: SummedSecond | undefined, second: StoredSecond): SummedSecond {
  const sketch = second.sketch && unpackSketch(second.sketch);
  const latency = second.latency ? [{ buckets: unpackBuckets(second.latency), ...(sketch ? { sketch } : {}) }] : [];
  if (!sum) return { figures: [...second.figures], latency };
  second.figures.forEach((value, k) => {
    const mine = sum.figures[k];
    if (mine === undefined) sum.figures[k] = value;
    else sum.figures[k] = k === PAUSED || k === OLDEST_AGE ? Math.max(mine, value) : mine + value;
  });
  sum.latency.push(...latency);
  return sum;
}

const round = (x: number) => Math.round(x * 100) / 100;

/**
 * The seconds in buckets of `stepMs`, oldest first: rates averaged over seconds with figures, gauges the last second's, latencies
 * merged; a bucket without any second is absent (a gap).
 */
export function bucketSeconds(seconds: ReadonlyMap<number, SummedSecond>, stepMs: number): StatsSample[] {
  const buckets = new Map<number, { t: number; seconds: [number, SummedSecond][] }>();
  for (const entry of seconds) {
    const start = entry[0] - (entry[0] % stepMs);
    const bucket = buckets.get(start) ?? { t: start, seconds: [] };
    bucket.seconds.push(entry);
    buckets.set(start, bucket);
  }
  return [...buckets.values()]
    .sort((a, b) => a.t - b.t)
    .map(({ t, seconds: inBucket }) => {
      inBucket.sort((a, b) => a[0] - b[0]);
      const last = inBucket.at(-1)![1].figures;
      const mean = (k: number) => round(inBucket.reduce((sum, [, s]) => sum + (s.figures[k] ?? 0), 0) / inBucket.length);
      const latency = mergeLatency(inBucket.flatMap(([, s]) => s.latency));
      const oldest = last[OLDEST_AGE];
      return {
        t,
        producedPerSec: mean(0),
        completedPerSec: mean(1),
        open: last[2]!,
        completed: last[3]!,
        poolSize: last[4]!,
        busyWorkers: last[5]!,
        backlogTasks: last[6]!,
        paused: last[PAUSED] === 1,
        ...(last.length > TASKS_DONE ? { tasksDonePerSec: mean(TASKS_DONE) } : {}),
        ...(oldest !== undefined ? { oldestOpenAgeSec: oldest < 0 ? null : oldest } : {}),
        ...(latency ? { latency } : {}),
      };
    });
}
