import { describe, expect, it } from '@jest/globals';
import { HISTORY_RANGES, latencySecond, type HistoryRange, type StatsSample } from '@storyflow/contracts';
import {
  addSecond,
  bucketSeconds,
  foldSpans,
  inSteps,
  readSpan,
  stepSamples,
  storeSecond,
  storeSpan,
  type SummedSpan,
} from '../../src/stats/history-points.js';
import { ROLLUPS, rollUpChanged, type SpanSource, type Unrolled } from '../../src/stats/history-rollups.js';
import { HISTORY_KEEP_MS } from '../../src/stats/history-store.js';
import { RANGE_SOURCES } from '../../src/stats/history.js';

/** A second of made-up but varied figures: every rate, gauge and latency differs from its neighbours'. */
const second = (t: number): StatsSample => {
  const i = t / 1000;
  return {
    t,
    producedPerSec: i % 7,
    completedPerSec: i % 5,
    open: 100 + (i % 13),
    completed: 10 * i,
    poolSize: 4 + (i % 3),
    busyWorkers: i % 4,
    backlogTasks: i % 17,
    paused: i % 11 === 0,
    tasksDonePerSec: 3 * (i % 9),
    oldestOpenAgeSec: i % 6 === 0 ? null : i % 6,
    ...(i % 4 ? { latency: latencySecond([20 + (i % 50), 300 + i, 5000 + 3 * i]) } : {}),
  };
};

const secondsFrom = (samples: StatsSample[]) => new Map(samples.map((s) => [s.t, addSecond(undefined, storeSecond(s))]));

describe('history rollups', () => {
  it('seconds rolled up per minute, stored, then per hour give the same steps as the seconds themselves', () => {
    const samples = Array.from({ length: 3 * 3600 }, (_, i) => second(i * 1000)).filter((s) => s.t % 7000 !== 3000); // with gaps
    const seconds = secondsFrom(samples);
    // As HistoryRollups stores them: each minute folded and written, read back; each hour folded from those.
    const minutes = new Map([...inSteps(seconds, 60_000)].map(([t, span]) => [t, readSpan(storeSpan(span))]));
    const hours = new Map([...inSteps(minutes, 3_600_000)].map(([t, span]) => [t, readSpan(storeSpan(span))]));
    for (const stepMs of [300_000, 1_800_000]) expect(stepSamples(inSteps(minutes, stepMs))).toEqual(bucketSeconds(seconds, stepMs));
    expect(stepSamples(hours)).toEqual(bucketSeconds(seconds, 3_600_000));
    expect(stepSamples(inSteps(hours, 3 * 3_600_000))).toEqual(bucketSeconds(seconds, 3 * 3_600_000));
  });

  it('each range reads the finest resolution kept for all of it, in steps that resolution divides', () => {
    const kept = { seconds: HISTORY_KEEP_MS, m: ROLLUPS.m.keepMs, h: ROLLUPS.h.keepMs };
    const unit = { seconds: 1000, m: ROLLUPS.m.ms, h: ROLLUPS.h.ms };
    for (const [range, source] of Object.entries(RANGE_SOURCES) as [HistoryRange, keyof typeof kept][]) {
      const { seconds, stepSec } = HISTORY_RANGES[range];
      expect([range, seconds * 1000 + stepSec * 1000 <= kept[source]]).toEqual([range, true]);
      expect([range, (stepSec * 1000) % unit[source]]).toEqual([range, 0]);
      // Not a coarser source than needed: the next finer one does not keep it.
      const finer = source === 'h' ? 'm' : source === 'm' ? 'seconds' : null;
      if (finer)
        expect([range, seconds * 1000 + stepSec * 1000 <= kept[finer] && (stepSec * 1000) % unit[finer] === 0]).toEqual([range, false]);
    }
  });
});

/** Spans in memory, each part with a stamp that changes when it is written again. */
class MemorySource implements SpanSource {
  readonly parts = new Map<number, { span: SummedSpan; stamp: string; rolled: boolean }>();
  onSpans: () => void = () => undefined;
  private writes = 0;

  put(t: number, sample: StatsSample): void {
    this.parts.set(t, { span: addSecond(undefined, storeSecond(sample)), stamp: `w${++this.writes}`, rolled: false });
  }

  spans(from: number, to: number): Promise<Map<number, SummedSpan>> {
    this.onSpans();
    return Promise.resolve(new Map([...this.parts].filter(([t]) => t >= from && t < to).map(([t, p]) => [t, p.span])));
  }

  unrolled(limit: number): Promise<Unrolled[]> {
    const items = [...this.parts].filter(([, p]) => !p.rolled).map(([t, p]) => ({ id: String(t), t, stamp: p.stamp }));
    return Promise.resolve(items.slice(0, limit));
  }

  markRolled(items: readonly Unrolled[]): Promise<void> {
    for (const { t, stamp } of items) {
      const part = this.parts.get(t)!;
      if (part.stamp === stamp) part.rolled = true;
    }
    return Promise.resolve();
  }
}

describe('rollUpChanged', () => {
  it('folds every span a changed part falls in from all its parts, and marks the parts rolled', async () => {
    const source = new MemorySource();
    for (let t = 0; t < 180_000; t += 1000) source.put(t, second(t));
    for (const part of source.parts.values()) part.rolled = true;
    source.put(61_000, second(61_000 + 7000)); // one second of the second minute written again
    const written: Map<number, SummedSpan>[] = [];
    await rollUpChanged(source, 60_000, (spans) => Promise.resolve(void written.push(spans)));
    expect([...written[0]!.keys()]).toEqual([60_000]);
    const expected = foldSpans([...(await source.spans(60_000, 120_000)).values()]);
    expect(written[0]!.get(60_000)).toEqual(expected);
    expect(expected.n).toBe(60);
    expect(await source.unrolled(10)).toEqual([]);
  });

  it('a part written again while its span is rolled up stays unrolled, for the next pass', async () => {
    const source = new MemorySource();
    source.put(0, second(0));
    source.onSpans = () => {
      source.onSpans = () => undefined;
      source.put(1000, second(1000)); // a late flush lands during the pass
      source.put(0, second(2000));
    };
    await rollUpChanged(source, 60_000, () => Promise.resolve());
    expect((await source.unrolled(10)).map((u) => u.t)).toEqual([0, 1000]);
  });

  it('a failed write marks nothing: the next pass does it all again', async () => {
    const source = new MemorySource();
    source.put(0, second(0));
    await expect(rollUpChanged(source, 60_000, () => Promise.reject(new Error('database away')))).rejects.toThrow('database away');
    expect((await source.unrolled(10)).map((u) => u.t)).toEqual([0]);
  });
});
