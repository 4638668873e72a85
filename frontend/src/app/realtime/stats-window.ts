// The subpath, not the barrel: the worker needs the stats schemas only, not the request schemas.
import { formatClock } from './clock-format';
import { StatsSampleSchema, StatsSnapshotSchema, type StatsSample, type StatsSnapshot } from '@storyflow/contracts/stats';

/**
 * Pure state machine behind the live stats screen. It runs inside the Web Worker (or on the main
 * thread when workers are unavailable): socket events go in, a ready-to-render `StatsView` comes out.
 * No timers, no I/O: everything it needs (window size, label format, the time of an event) is a parameter.
 */

/** `unauthorized`: the server refused the connection for want of a (valid) token; it waits for a new one. */
export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'offline' | 'unauthorized';

/** The figures of the latest sample (its second is in `StatsView.at`). */
export type StatsFigures = Omit<StatsSample, 't'>;

export interface StatsChartView {
  /** Start of each second of the window (epoch ms), oldest first. */
  times: number[];
  /** One label per second of the window, oldest first. */
  labels: string[];
  /** Null where the server sent nothing for that second (it was down, or unreachable): a gap. */
  produced: (number | null)[];
  completed: (number | null)[];
}

/** What the main thread receives: plain data, structured-clone friendly. */
export interface StatsView {
  connection: ConnectionState;
  /** When the connection was lost (epoch ms); null while live or before the first connection. */
  disconnectedAt: number | null;
  /**
   * How often the connection came back (live again after it was lost or refused). A count, not a moment:
   * a screen compares it with the count it loaded at, so no comeback is missed however quickly it follows.
   */
  reconnects: number;
  /** The server's message when it refused the connection (`unauthorized`). */
  refusal: string | null;
  /** Null until the first snapshot or sample arrives. */
  figures: StatsFigures | null;
  /** Epoch ms of the second the figures describe. */
  at: number | null;
  chart: StatsChartView;
  /** The samples behind the chart, for export. */
  samples: StatsSample[];
  /** Since when the server's counters count (a new empty database starts them again). */
  countersSince: number | null;
  /** Set when the counters restarted while this page was open: from when to when. */
  countersReset: { previousSince: number; since: number } | null;
  /** Cluster mode: the instance this connection is on (from its snapshot). */
  instanceId: string | null;
  /** Socket payloads that did not match the contract and were ignored since the page opened. */
  dropped: number;
  /**
   * When (this browser's clock, epoch ms) the feed last showed it works: connected, or figures
   * received. Figures come every second; a screen that sees none for a while while "live" says so.
   */
  feedAt: number | null;
}

export interface StatsWindowState {
  connection: ConnectionState;
  disconnectedAt: number | null;
  reconnects: number;
  refusal: string | null;
  /** Failed reconnect attempts since the last successful connection. */
  attempts: number;
  /** Samples of the window, ascending by `t`, at most one per second. */
  samples: StatsSample[];
  countersSince: number | null;
  countersReset: { previousSince: number; since: number } | null;
  instanceId: string | null;
  /**
   * Reconnected to a server that had no history yet (it just started): its first sample is due within
   * a second. Until then there are no figures: the ones from before the outage are not the server's now.
   */
  awaitingSample: boolean;
  /** Malformed payloads ignored so far. */
  dropped: number;
  feedAt: number | null;
}

/** `receivedAt`: when it happened, this browser's clock (the connection stamps it; the feed works since). */
export type StatsEvent =
  | { kind: 'connected'; receivedAt?: number }
  | { kind: 'disconnected'; at: number }
  | { kind: 'reconnect-attempt'; attempt: number }
  | { kind: 'refused'; message: string; at: number }
  | { kind: 'snapshot'; snapshot: StatsSnapshot; receivedAt?: number }
  | { kind: 'sample'; sample: StatsSample; receivedAt?: number }
  | { kind: 'malformed' };

export interface StatsWindowOptions {
  /** Seconds shown in the chart. */
  size: number;
  /** Failed reconnect attempts after which the state reads "offline" rather than "reconnecting". */
  offlineAfterAttempts: number;
  /** Formats the start of a second (epoch ms) as a chart label. */
  formatLabel: (t: number) => string;
}

export const SECOND = 1000;

export const DEFAULT_WINDOW_OPTIONS: StatsWindowOptions = {
  size: 60,
  offlineAfterAttempts: 3,
  formatLabel: formatClock,
};

export function initialStatsState(): StatsWindowState {
  return {
    connection: 'connecting',
    disconnectedAt: null,
    reconnects: 0,
    refusal: null,
    attempts: 0,
    samples: [],
    countersSince: null,
    instanceId: null,
    countersReset: null,
    awaitingSample: false,
    dropped: 0,
    feedAt: null,
  };
}

export function reduceStats(
  state: StatsWindowState,
  event: StatsEvent,
  options: StatsWindowOptions = DEFAULT_WINDOW_OPTIONS,
): StatsWindowState {
  switch (event.kind) {
    case 'connected':
      return { ...backLive(state), refusal: null, feedAt: event.receivedAt ?? state.feedAt };
    case 'disconnected':
      // The first moment counts: a flapping connection does not restart "since when".
      return { ...state, connection: 'reconnecting', disconnectedAt: state.disconnectedAt ?? event.at };
    case 'reconnect-attempt': {
      const attempts = Math.max(state.attempts, event.attempt);
      return {
        ...state,
        attempts,
        connection: attempts >= options.offlineAfterAttempts ? 'offline' : 'reconnecting',
      };
    }
    case 'refused':
      return { ...state, connection: 'unauthorized', refusal: event.message, disconnectedAt: state.disconnectedAt ?? event.at };
    case 'snapshot': {
      // Sent on every connect: the server's truth for the seconds it covers. Older seconds of this
      // window stay, so an outage shows as a gap between them rather than vanishing.
      const since = event.snapshot.countersSince ?? null;
      const reset =
        since !== null && state.countersSince !== null && since !== state.countersSince
          ? { previousSince: state.countersSince, since }
          : state.countersReset;
      const fresh = dedupe(event.snapshot.history);
      const first = fresh[0]?.t ?? Number.POSITIVE_INFINITY;
      const kept = state.samples.filter((s) => s.t < first);
      return {
        ...backLive(state),
        refusal: null,
        countersSince: since ?? state.countersSince,
        countersReset: reset,
        instanceId: event.snapshot.instanceId ?? null,
        awaitingSample: fresh.length === 0,
        samples: trimWindow([...kept, ...fresh], options.size),
        feedAt: event.receivedAt ?? state.feedAt,
      };
    }
    case 'sample':
      return {
        ...state,
        awaitingSample: false,
        samples: addSample(state.samples, event.sample, options.size),
        feedAt: event.receivedAt ?? state.feedAt,
      };
    case 'malformed':
      return { ...state, dropped: state.dropped + 1 };
  }
}

/** Live (again): a connection lost or refused before counts as one more comeback. */
function backLive(state: StatsWindowState): StatsWindowState {
  const reconnects = state.disconnectedAt === null ? state.reconnects : state.reconnects + 1;
  return { ...state, connection: 'live', attempts: 0, disconnectedAt: null, reconnects };
}

/** Inserts (or replaces, same second) a sample and drops seconds older than the window. */
export function addSample(samples: readonly StatsSample[], sample: StatsSample, size: number): StatsSample[] {
  const t = alignSecond(sample.t);
  const next = samples.filter((s) => s.t !== t);
  next.push({ ...sample, t });
  next.sort((a, b) => a.t - b.t);
  return trimWindow(next, size);
}

/** Keeps the samples within `size` seconds ending at the newest one. Input ascending by `t`. */
export function trimWindow(samples: readonly StatsSample[], size: number): StatsSample[] {
  const last = samples.at(-1);
  if (!last) return [];
  const start = last.t - (size - 1) * SECOND;
  return samples.filter((s) => s.t >= start);
}

function dedupe(history: readonly StatsSample[]): StatsSample[] {
  const bySecond = new Map<number, StatsSample>();
  for (const s of history) bySecond.set(alignSecond(s.t), { ...s, t: alignSecond(s.t) });
  return [...bySecond.values()].sort((a, b) => a.t - b.t);
}

export function alignSecond(t: number): number {
  return Math.floor(t / SECOND) * SECOND;
}

/**
 * The view: figures from the newest sample; the chart has exactly `size` bars ending at the newest
 * second, a missing second (server down, message lost) left empty (null) rather than drawn as zero.
 */
export function toStatsView(state: StatsWindowState, options: StatsWindowOptions = DEFAULT_WINDOW_OPTIONS): StatsView {
  const last = state.samples.at(-1);
  const chart: StatsChartView = { times: [], labels: [], produced: [], completed: [] };
  if (last) {
    const bySecond = new Map(state.samples.map((s) => [s.t, s]));
    for (let i = options.size - 1; i >= 0; i--) {
      const t = last.t - i * SECOND;
      const s = bySecond.get(t);
      chart.times.push(t);
      chart.labels.push(options.formatLabel(t));
      chart.produced.push(s?.producedPerSec ?? null);
      chart.completed.push(s?.completedPerSec ?? null);
    }
  }
  let figures: StatsFigures | null = null;
  if (last && !state.awaitingSample) {
    const { t: _t, ...rest } = last;
    figures = rest;
  }
  return {
    connection: state.connection,
    disconnectedAt: state.disconnectedAt,
    reconnects: state.reconnects,
    refusal: state.refusal,
    dropped: state.dropped,
    feedAt: state.feedAt,
    at: last?.t ?? null,
    figures,
    chart,
    samples: state.samples,
    countersSince: state.countersSince,
    countersReset: state.countersReset,
    instanceId: state.instanceId,
  };
}

/** `HH:MM:SS` in local time. */

/**
 * The event for an untrusted `stats` payload: parsed with the contract's schema, or `malformed`
 * (counted, the window unchanged) when it does not match.
 */
export function sampleEvent(payload: unknown): StatsEvent {
  const parsed = StatsSampleSchema.safeParse(payload);
  return parsed.success ? { kind: 'sample', sample: parsed.data } : { kind: 'malformed' };
}

/** The event for an untrusted `stats:snapshot` payload; one bad sample makes the whole snapshot malformed. */
export function snapshotEvent(payload: unknown): StatsEvent {
  const parsed = StatsSnapshotSchema.safeParse(payload);
  return parsed.success ? { kind: 'snapshot', snapshot: parsed.data } : { kind: 'malformed' };
}
