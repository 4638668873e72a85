// The subpath, not the barrel: the worker needs the stats schemas only, not the request schemas.
import { StatsSampleSchema, StatsSnapshotSchema, type StatsSample, type StatsSnapshot } from '@storyflow/contracts/stats';

/**
 * Pure state machine behind the live stats screen. It runs inside the Web Worker (or on the main
 * thread when workers are unavailable): socket events go in, a ready-to-render `StatsView` comes out.
 * No timers, no I/O: everything it needs (window size, label format) is a parameter.
 */

export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'offline';

/** The figures of the latest sample (its second is in `StatsView.at`). */
export type StatsFigures = Omit<StatsSample, 't'>;

export interface StatsChartView {
  /** One label per second of the window, oldest first. */
  labels: string[];
  produced: number[];
  completed: number[];
}

/** What the main thread receives: plain data, structured-clone friendly. */
export interface StatsView {
  connection: ConnectionState;
  /** Null until the first snapshot or sample arrives. */
  figures: StatsFigures | null;
  /** Epoch ms of the second the figures describe. */
  at: number | null;
  chart: StatsChartView;
  /** Socket payloads that did not match the contract and were ignored since the page opened. */
  dropped: number;
}

export interface StatsWindowState {
  connection: ConnectionState;
  /** Failed reconnect attempts since the last successful connection. */
  attempts: number;
  /** Samples of the window, ascending by `t`, at most one per second. */
  samples: StatsSample[];
  /** Malformed payloads ignored so far. */
  dropped: number;
}

export type StatsEvent =
  | { kind: 'connected' }
  | { kind: 'disconnected' }
  | { kind: 'reconnect-attempt'; attempt: number }
  | { kind: 'snapshot'; snapshot: StatsSnapshot }
  | { kind: 'sample'; sample: StatsSample }
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
  size: 20,
  offlineAfterAttempts: 3,
  formatLabel: formatClock,
};

export function initialStatsState(): StatsWindowState {
  return { connection: 'connecting', attempts: 0, samples: [], dropped: 0 };
}

export function reduceStats(
  state: StatsWindowState,
  event: StatsEvent,
  options: StatsWindowOptions = DEFAULT_WINDOW_OPTIONS,
): StatsWindowState {
  switch (event.kind) {
    case 'connected':
      return { ...state, connection: 'live', attempts: 0 };
    case 'disconnected':
      return { ...state, connection: 'reconnecting' };
    case 'reconnect-attempt': {
      const attempts = Math.max(state.attempts, event.attempt);
      return {
        ...state,
        attempts,
        connection: attempts >= options.offlineAfterAttempts ? 'offline' : 'reconnecting',
      };
    }
    case 'snapshot':
      // A snapshot (sent on every connect) replaces the window: it is the server's truth.
      return { ...state, connection: 'live', attempts: 0, samples: trimWindow(dedupe(event.snapshot.history), options.size) };
    case 'sample':
      return { ...state, samples: addSample(state.samples, event.sample, options.size) };
    case 'malformed':
      return { ...state, dropped: state.dropped + 1 };
  }
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
 * second, a missing second (server restart, dropped message) shown as 0 rather than skipped.
 */
export function toStatsView(state: StatsWindowState, options: StatsWindowOptions = DEFAULT_WINDOW_OPTIONS): StatsView {
  const last = state.samples.at(-1);
  const chart: StatsChartView = { labels: [], produced: [], completed: [] };
  if (last) {
    const bySecond = new Map(state.samples.map((s) => [s.t, s]));
    for (let i = options.size - 1; i >= 0; i--) {
      const t = last.t - i * SECOND;
      const s = bySecond.get(t);
      chart.labels.push(options.formatLabel(t));
      chart.produced.push(s?.producedPerSec ?? 0);
      chart.completed.push(s?.completedPerSec ?? 0);
    }
  }
  return {
    connection: state.connection,
    dropped: state.dropped,
    at: last?.t ?? null,
    figures: last
      ? {
          producedPerSec: last.producedPerSec,
          completedPerSec: last.completedPerSec,
          open: last.open,
          completed: last.completed,
          poolSize: last.poolSize,
          busyWorkers: last.busyWorkers,
          backlogTasks: last.backlogTasks,
        }
      : null,
    chart,
  };
}

/** `HH:MM:SS` in local time. */
export function formatClock(t: number): string {
  const d = new Date(t);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

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
