import { describe, expect, it } from '@jest/globals';
import { latencyOverRange, latencySecond, packBuckets, unpackBuckets, type StatsSample } from '@storyflow/contracts';
import { addSecond, bucketSeconds, storeSecond, type SummedSpan } from '../../src/stats/history-points.js';

const sample = (t: number, extra: Partial<StatsSample> = {}): StatsSample => ({
  t,
  producedPerSec: 2,
  completedPerSec: 1,
  open: 5,
  completed: 10,
  poolSize: 4,
  busyWorkers: 3,
  backlogTasks: 20,
  paused: false,
  tasksDonePerSec: 40,
  oldestOpenAgeSec: 1.5,
  ...extra,
});

/** The seconds as the store reads them back: each instance's stored second, summed per second. */
function readBack(instances: StatsSample[][]): Map<number, SummedSpan> {
  const seconds = new Map<number, SummedSpan>();
  for (const samples of instances) for (const s of samples) seconds.set(s.t, addSecond(seconds.get(s.t), storeSecond(s)));
  return seconds;
}

describe('persisted seconds', () => {
  it('packs latency buckets without their zeros, and unpacks them to the same counts', () => {
    const second = latencySecond([12, 21, 21, 400, 90_000])!;
    const packed = packBuckets(second.buckets);
    expect(packed.length).toBe(8); // four buckets counted, as index and count
    expect(unpackBuckets(packed)).toEqual(second.buckets);
    expect(unpackBuckets([999, 5, -1, 2, 0.5, 1]).every((n) => n === 0)).toBe(true);
  });

  it('one instance at a one-second step: the figures as sampled, the latencies within 1 % (from the stored sketch)', () => {
    const latency = latencySecond([21, 22, 300])!;
    const [point] = bucketSeconds(readBack([[sample(1000, { latency })]]), 1000);
    expect(point).toEqual({
      ...sample(1000),
      latency: { count: 3, p50: 22, p95: 301.9, p99: 301.9, buckets: latency.buckets, sketch: latency.sketch },
    });
  });

  it('a second stored before sketches were kept reads back with bucket bounds, marked approximate in a range', () => {
    const { sketch: _sketch, ...bucketsOnly } = latencySecond([21, 22, 300])!;
    const [point] = bucketSeconds(readBack([[sample(1000, { latency: bucketsOnly })]]), 1000);
    expect(point!.latency).toMatchObject({ count: 3, p50: 22, p95: 500, p99: 500 });
    expect(point!.latency!.sketch).toBeUndefined();
    expect(latencyOverRange([point!.latency])).toMatchObject({ p99: 500, approximate: true });
  });

  it('a step of many seconds: rates averaged, gauges the last second, latencies merged, none: absent', () => {
    const seconds = readBack([
      [
        sample(0, { producedPerSec: 4, tasksDonePerSec: 10, latency: latencySecond([21]) }),
        sample(1000, { producedPerSec: 0, tasksDonePerSec: 30, backlogTasks: 7, oldestOpenAgeSec: null, latency: latencySecond([300]) }),
        sample(5000, { producedPerSec: 1 }),
      ],
    ]);
    const points = bucketSeconds(seconds, 5000);
    expect(points.map((p) => p.t)).toEqual([0, 5000]);
    expect(points[0]).toMatchObject({ producedPerSec: 2, tasksDonePerSec: 20, backlogTasks: 7, oldestOpenAgeSec: null });
    expect(points[0]!.latency).toMatchObject({ count: 2, p50: 21.1, p99: 301.9 });
    expect(points[1]!.latency).toBeUndefined();
  });

  it('instances of one second add up: counts, gauges and latencies; paused and the oldest age are the most', () => {
    const [point] = bucketSeconds(
      readBack([
        [sample(0, { latency: latencySecond([21, 21]), oldestOpenAgeSec: 3 })],
        [sample(0, { paused: true, latency: latencySecond([600]), oldestOpenAgeSec: null })],
      ]),
      1000,
    );
    expect(point).toMatchObject({
      producedPerSec: 4,
      poolSize: 8,
      backlogTasks: 40,
      tasksDonePerSec: 80,
      paused: true,
      oldestOpenAgeSec: 3,
    });
    expect(point!.latency).toMatchObject(latencyOverRange([latencySecond([21, 21, 600])])!);
  });

  it('reads seconds stored before tasks done, the oldest age and latencies were kept', () => {
    const old = new Map<number, SummedSpan>([[0, addSecond(undefined, { figures: [1, 1, 2, 3, 4, 1, 9, 0] })]]);
    const [point] = bucketSeconds(old, 1000);
    expect(point).toEqual({
      t: 0,
      producedPerSec: 1,
      completedPerSec: 1,
      open: 2,
      completed: 3,
      poolSize: 4,
      busyWorkers: 1,
      backlogTasks: 9,
      paused: false,
    });
  });
});
