import type { StatsSample } from '@storyflow/contracts';
import {
  addSample,
  initialStatsState,
  reduceStats,
  sampleEvent,
  snapshotEvent,
  toStatsView,
  type StatsWindowOptions,
  type StatsWindowState,
} from './stats-window';
import { formatClock } from './clock-format';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const opts: StatsWindowOptions = {
  size: 20,
  offlineAfterAttempts: 3,
  formatLabel: (t) => `${(t - T0) / 1000}`,
};

function sample(sec: number, produced = sec, completed = sec * 2): StatsSample {
  return {
    t: T0 + sec * 1000,
    producedPerSec: produced,
    completedPerSec: completed,
    open: 100 + sec,
    completed: 1000 + sec,
    poolSize: 8,
    busyWorkers: 3,
    backlogTasks: 42,
  };
}

function seeded(secs: number[]): StatsWindowState {
  return reduceStats(
    initialStatsState(),
    {
      kind: 'snapshot',
      snapshot: { now: T0 + (secs.at(-1) ?? 0) * 1000, history: secs.map((s) => sample(s)), countersSince: T0 - 3_600_000 },
    },
    opts,
  );
}

describe('stats window', () => {
  it('starts connecting with an empty chart and no figures', () => {
    const view = toStatsView(initialStatsState(), opts);
    expect(view.connection).toBe('connecting');
    expect(view.figures).toBeNull();
    expect(view.chart.labels).toEqual([]);
  });

  it('seeds the latest 20 seconds from a 60-second history at once', () => {
    const secs = Array.from({ length: 60 }, (_, i) => i);
    const view = toStatsView(seeded(secs), opts);
    expect(view.connection).toBe('live');
    expect(view.chart.labels).toHaveLength(20);
    expect(view.chart.labels[0]).toBe('40');
    expect(view.chart.labels.at(-1)).toBe('59');
    expect(view.chart.produced).toEqual(secs.slice(40));
    expect(view.chart.completed).toEqual(secs.slice(40).map((s) => s * 2));
    expect(view.samples).toHaveLength(20);
    expect(view.figures).toEqual({
      producedPerSec: 59,
      completedPerSec: 118,
      open: 159,
      completed: 1059,
      poolSize: 8,
      busyWorkers: 3,
      backlogTasks: 42,
    });
    expect(view.at).toBe(T0 + 59_000);
  });

  it('pads a short history to 20 bars ending at the newest second, the seconds before it empty', () => {
    const view = toStatsView(seeded([0, 1, 2]), opts);
    expect(view.chart.labels).toHaveLength(20);
    expect(view.chart.labels.at(-1)).toBe('2');
    expect(view.chart.labels[0]).toBe('-17');
    expect(view.chart.times.at(-1)).toBe(T0 + 2000);
    expect(view.chart.produced.slice(-3)).toEqual([0, 1, 2]);
    expect(view.chart.produced.slice(0, 17).every((v) => v === null)).toBe(true);
  });

  it('leaves missing seconds as gaps (null), neither skipped nor drawn as zero', () => {
    const view = toStatsView(seeded([10, 11, 14, 15]), opts);
    expect(view.chart.labels.slice(-6)).toEqual(['10', '11', '12', '13', '14', '15']);
    expect(view.chart.produced.slice(-6)).toEqual([10, 11, null, null, 14, 15]);
  });

  it('slides the window by one second per sample and keeps 20 bars', () => {
    let state = seeded(Array.from({ length: 20 }, (_, i) => i));
    state = reduceStats(state, { kind: 'sample', sample: sample(20, 7, 3) }, opts);
    const view = toStatsView(state, opts);
    expect(state.samples).toHaveLength(20);
    expect(view.chart.labels[0]).toBe('1');
    expect(view.chart.labels.at(-1)).toBe('20');
    expect(view.chart.produced.at(-1)).toBe(7);
    expect(view.figures?.completedPerSec).toBe(3);
  });

  it('a jump after a gap drops seconds older than the window', () => {
    let state = seeded([0, 1, 2, 3]);
    state = reduceStats(state, { kind: 'sample', sample: sample(30) }, opts);
    expect(state.samples.map((s) => s.t)).toEqual([T0 + 30_000]);
    expect(toStatsView(state, opts).chart.produced.filter((v) => v !== null)).toEqual([30]);
  });

  it('replaces a duplicate second and ignores order of arrival', () => {
    let samples = addSample([], sample(5), 20);
    samples = addSample(samples, sample(3), 20);
    samples = addSample(samples, sample(5, 99), 20);
    expect(samples.map((s) => [s.t - T0, s.producedPerSec])).toEqual([
      [3000, 3],
      [5000, 99],
    ]);
  });

  it('aligns sample times to the start of their second', () => {
    const samples = addSample([], { ...sample(4), t: T0 + 4_321 }, 20);
    expect(samples[0]?.t).toBe(T0 + 4_000);
  });

  it('goes reconnecting on disconnect, offline after repeated attempts, live again on connect', () => {
    let state = seeded([0, 1]);
    state = reduceStats(state, { kind: 'disconnected', at: T0 + 5_000 }, opts);
    expect(state.connection).toBe('reconnecting');
    expect(toStatsView(state, opts).disconnectedAt).toBe(T0 + 5_000);
    // A second loss before reconnecting keeps the first time: "since when" does not restart.
    state = reduceStats(state, { kind: 'disconnected', at: T0 + 9_000 }, opts);
    expect(state.disconnectedAt).toBe(T0 + 5_000);
    state = reduceStats(state, { kind: 'reconnect-attempt', attempt: 1 }, opts);
    expect(state.connection).toBe('reconnecting');
    state = reduceStats(state, { kind: 'reconnect-attempt', attempt: 3 }, opts);
    expect(state.connection).toBe('offline');
    // The chart stays visible while disconnected.
    expect(toStatsView(state, opts).chart.produced.slice(-2)).toEqual([0, 1]);
    state = reduceStats(state, { kind: 'connected' }, opts);
    expect(state.connection).toBe('live');
    expect(state.attempts).toBe(0);
    expect(state.disconnectedAt).toBeNull();
  });

  it('counts each comeback once: after a loss or a refusal, whether the connect or the snapshot says so first', () => {
    const snapshot = { kind: 'snapshot' as const, snapshot: { now: T0, history: [sample(0)] } };
    const comebacks = (events: Parameters<typeof reduceStats>[1][]) =>
      toStatsView(
        events.reduce((state, event) => reduceStats(state, event, opts), initialStatsState()),
        opts,
      ).reconnects;
    // The first connection is no comeback.
    expect(comebacks([{ kind: 'connected' }, snapshot])).toBe(0);
    expect(comebacks([{ kind: 'connected' }, { kind: 'disconnected', at: T0 }, { kind: 'connected' }, snapshot])).toBe(1);
    expect(comebacks([{ kind: 'connected' }, { kind: 'disconnected', at: T0 }, { kind: 'reconnect-attempt', attempt: 4 }, snapshot])).toBe(
      1,
    );
    expect(comebacks([{ kind: 'refused', message: 'no', at: T0 }, { kind: 'connected' }])).toBe(1);
    // A first connection that failed and then came: the screens missed nothing, but they may have shown an error.
    expect(comebacks([{ kind: 'disconnected', at: T0 }, { kind: 'connected' }])).toBe(1);
    expect(
      comebacks([
        { kind: 'connected' },
        { kind: 'disconnected', at: T0 },
        { kind: 'connected' },
        { kind: 'disconnected', at: T0 + 1000 },
        { kind: 'disconnected', at: T0 + 2000 },
        { kind: 'connected' },
        snapshot,
      ]),
    ).toBe(2);
  });

  it('a refused connection waits for a token, saying why and since when', () => {
    let state = seeded([0, 1]);
    state = reduceStats(state, { kind: 'refused', message: 'The token is not valid', at: T0 + 7_000 }, opts);
    const view = toStatsView(state, opts);
    expect(view.connection).toBe('unauthorized');
    expect(view.refusal).toBe('The token is not valid');
    expect(view.disconnectedAt).toBe(T0 + 7_000);
    state = reduceStats(state, { kind: 'connected' }, opts);
    expect(toStatsView(state, opts).refusal).toBeNull();
  });

  it('resyncs on reconnect: the new snapshot is the truth for its seconds, older ones of the window stay', () => {
    let state = seeded([0, 1, 2, 3, 4]);
    state = reduceStats(state, { kind: 'disconnected', at: T0 + 5_000 }, opts);
    state = reduceStats(state, { kind: 'connected' }, opts);
    state = reduceStats(
      state,
      { kind: 'snapshot', snapshot: { now: T0 + 11_000, history: [sample(3, 9, 9), sample(10, 5, 6), sample(11, 7, 8)] } },
      opts,
    );
    const view = toStatsView(state, opts);
    // Seconds 0–2 kept from before; 3 from the snapshot; 5–9 missing: the outage, drawn as a gap.
    expect(state.samples.map((s) => (s.t - T0) / 1000)).toEqual([0, 1, 2, 3, 10, 11]);
    expect(view.chart.labels.at(-1)).toBe('11');
    expect(view.chart.produced.slice(-10)).toEqual([2, 9, null, null, null, null, null, null, 5, 7]);
    expect(view.connection).toBe('live');
    expect(view.disconnectedAt).toBeNull();
  });

  it('a snapshot far ahead pushes the older seconds out of the window', () => {
    let state = seeded([0, 1]);
    state = reduceStats(state, { kind: 'snapshot', snapshot: { now: T0 + 100_000, history: [sample(99), sample(100)] } }, opts);
    expect(state.samples.map((s) => (s.t - T0) / 1000)).toEqual([99, 100]);
  });

  it('notices that the counters restarted (a new empty database) and keeps since when', () => {
    let state = seeded([0, 1]);
    expect(toStatsView(state, opts).countersSince).toBe(T0 - 3_600_000);
    expect(toStatsView(state, opts).countersReset).toBeNull();
    // The same start again (a plain reconnect): nothing to explain.
    state = reduceStats(
      state,
      { kind: 'snapshot', snapshot: { now: T0 + 3000, history: [sample(3)], countersSince: T0 - 3_600_000 } },
      opts,
    );
    expect(toStatsView(state, opts).countersReset).toBeNull();
    state = reduceStats(
      state,
      { kind: 'snapshot', snapshot: { now: T0 + 9000, history: [sample(9, 1, 1)], countersSince: T0 + 8000 } },
      opts,
    );
    const view = toStatsView(state, opts);
    expect(view.countersSince).toBe(T0 + 8000);
    expect(view.countersReset).toEqual({ previousSince: T0 - 3_600_000, since: T0 + 8000 });
  });

  it('knows the cluster instance its connection is on, from each snapshot (a reconnect may land elsewhere)', () => {
    let state = seeded([0, 1]);
    expect(toStatsView(state, opts).instanceId).toBeNull();
    state = reduceStats(state, { kind: 'snapshot', snapshot: { now: T0 + 3000, history: [sample(3)], instanceId: 'i0' } }, opts);
    expect(toStatsView(state, opts).instanceId).toBe('i0');
    state = reduceStats(state, { kind: 'snapshot', snapshot: { now: T0 + 5000, history: [sample(5)], instanceId: 'i2' } }, opts);
    expect(toStatsView(state, opts).instanceId).toBe('i2');
  });

  it('a server that just started (empty history): the old seconds stay in the chart, but no figures until its first sample', () => {
    let state = reduceStats(seeded([0, 1]), { kind: 'disconnected', at: T0 + 2000 }, opts);
    state = reduceStats(state, { kind: 'snapshot', snapshot: { now: T0 + 30_000, history: [] } }, opts);
    let view = toStatsView(state, opts);
    expect(view.connection).toBe('live');
    expect(view.figures).toBeNull();
    expect(view.chart.produced.slice(-2)).toEqual([0, 1]);
    state = reduceStats(state, { kind: 'sample', sample: sample(30, 4, 4) }, opts);
    view = toStatsView(state, opts);
    expect(view.figures?.producedPerSec).toBe(4);
    // The outage between second 1 and 30 is a gap.
    expect(view.chart.produced.slice(-3)).toEqual([null, null, 4]);
    expect(state.samples.map((s) => (s.t - T0) / 1000)).toEqual([30]);
  });

  it('formats labels as local HH:MM:SS', () => {
    const t = new Date(2026, 0, 1, 9, 5, 7).getTime();
    expect(formatClock(t)).toBe('09:05:07');
  });

  it('parses socket payloads with the contract schemas', () => {
    expect(sampleEvent(sample(1))).toEqual({ kind: 'sample', sample: sample(1) });
    // A field the contract does not know is stripped, so a newer server does not break the screen.
    expect(sampleEvent({ ...sample(1), extra: 'x' })).toEqual({ kind: 'sample', sample: sample(1) });
    expect(sampleEvent({ ...sample(1), open: '3' })).toEqual({ kind: 'malformed' });
    expect(sampleEvent({ ...sample(1), open: Number.POSITIVE_INFINITY })).toEqual({ kind: 'malformed' });
    expect(sampleEvent(null)).toEqual({ kind: 'malformed' });
    expect(snapshotEvent({ now: 5, history: [sample(1)] })).toEqual({ kind: 'snapshot', snapshot: { now: 5, history: [sample(1)] } });
    // One bad sample makes the snapshot malformed: the window keeps what it had rather than a partial history.
    expect(snapshotEvent({ now: 5, history: [sample(1), { t: 'x' }] })).toEqual({ kind: 'malformed' });
    expect(snapshotEvent({ history: 'nope' })).toEqual({ kind: 'malformed' });
  });

  it('counts malformed payloads and leaves the window as it was', () => {
    const before = seeded([0, 1, 2]);
    const after = reduceStats(reduceStats(before, sampleEvent('garbage'), opts), snapshotEvent({ now: 1 }), opts);
    expect(after.samples).toEqual(before.samples);
    expect(after.connection).toBe('live');
    const view = toStatsView(after, opts);
    expect(view.dropped).toBe(2);
    expect(view.chart).toEqual(toStatsView(before, opts).chart);
    expect(toStatsView(before, opts).dropped).toBe(0);
  });

  it('keeps the per-instance figures of cluster mode, parsed with the contract (a bad instance makes the sample malformed)', () => {
    const instances = [
      { id: 'i0', poolSize: 8, busyWorkers: 2, backlogTasks: 10, lastSeen: T0 + 1020 },
      { id: 'i1', poolSize: 8, busyWorkers: 1, backlogTasks: 0, lastSeen: T0 + 1010 },
    ];
    const clustered = { ...sample(1), instances };
    expect(sampleEvent({ ...clustered, instances: [{ ...instances[0], extra: 1 }, instances[1]] })).toEqual({
      kind: 'sample',
      sample: clustered,
    });
    expect(sampleEvent({ ...clustered, instances: [{ ...instances[0], lastSeen: 'now' }] })).toEqual({ kind: 'malformed' });
    expect(sampleEvent({ ...clustered, instances: [{ ...instances[0], id: undefined }] })).toEqual({ kind: 'malformed' });
    expect(sampleEvent({ ...clustered, instances: {} })).toEqual({ kind: 'malformed' });
    expect(snapshotEvent({ now: 5, history: [clustered, { ...sample(2), instances: [null] }] })).toEqual({ kind: 'malformed' });

    // Through the window to the view: the figures and every sample keep them (the screen lists them).
    let state = reduceStats(initialStatsState(), snapshotEvent({ now: T0 + 2000, history: [clustered] }), opts);
    state = reduceStats(state, sampleEvent({ ...sample(2), instances: instances.slice(1) }), opts);
    const view = toStatsView(state, opts);
    expect(view.figures?.instances).toEqual(instances.slice(1));
    expect(view.samples.map((s) => s.instances?.map((i) => i.id))).toEqual([['i0', 'i1'], ['i1']]);
  });

  it('keeps when the feed last worked: a connection or figures, with the time the connection stamped', () => {
    let state = reduceStats(initialStatsState(), { kind: 'connected', receivedAt: 5 }, opts);
    expect(toStatsView(state, opts).feedAt).toBe(5);
    state = reduceStats(state, { kind: 'snapshot', snapshot: { now: T0, history: [sample(0)] }, receivedAt: 7 }, opts);
    expect(state.feedAt).toBe(7);
    state = reduceStats(state, { kind: 'sample', sample: sample(1), receivedAt: 9 }, opts);
    expect(state.feedAt).toBe(9);
    for (const event of [{ kind: 'malformed' }, { kind: 'disconnected', at: 20 }, { kind: 'reconnect-attempt', attempt: 1 }] as const)
      state = reduceStats(state, event, opts);
    expect(toStatsView(state, opts).feedAt).toBe(9);
  });
});
