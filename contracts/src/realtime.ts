// Plain constants of the real-time contract, without schemas: a screen that needs only these (the chart's
// ranges, the event names) does not load zod with them.

/** GET /api/stats/history?range=…: the persisted per-second figures, bucketed. */
export const HISTORY_RANGES = {
  '1m': { seconds: 60, stepSec: 1 },
  '15m': { seconds: 900, stepSec: 5 },
  '1h': { seconds: 3600, stepSec: 15 },
  '6h': { seconds: 21_600, stepSec: 60 },
  '24h': { seconds: 86_400, stepSec: 300 },
  '7d': { seconds: 604_800, stepSec: 1800 },
  '30d': { seconds: 2_592_000, stepSec: 14_400 },
  '90d': { seconds: 7_776_000, stepSec: 43_200 },
} as const;
export type HistoryRange = keyof typeof HISTORY_RANGES;
export const HISTORY_RANGE_NAMES = Object.keys(HISTORY_RANGES) as [HistoryRange, ...HistoryRange[]];

export const SOCKET_EVENTS = {
  snapshot: 'stats:snapshot',
  stats: 'stats',
  activity: 'stories:activity',
  progress: 'story:progress',
  watch: 'stories:watch',
  error: 'socket:error',
} as const;

/** At most this many stories watched per connection (`stories:watch`). */
export const MAX_WATCHED_STORIES = 100;

/**
 * Story latency (accepted → Done stored) histogram bounds, ms: fine around the reference load's floor
 * (its longest task, 10–20 ms), then up to a minute. The Prometheus histogram and the per-second
 * figures of the stats events use the same bounds, so their buckets add up across seconds and instances.
 */
export const LATENCY_BUCKETS_MS = [
  10, 15, 20, 21, 22, 23, 24, 25, 27.5, 30, 35, 40, 50, 75, 100, 150, 250, 500, 750, 1000, 1500, 2500, 5000, 10_000, 20_000, 30_000, 60_000,
] as const;

/** Objectives an operator may set (SLO_STORY_P99_MS, SLO_BACKLOG_AGE_SECONDS). */
export const OBJECTIVE_NAMES = ['story_p99', 'backlog_age'] as const;
export type ObjectiveName = (typeof OBJECTIVE_NAMES)[number];
/** `short`: the label where room is scarce (a phone's header). */
export const OBJECTIVES: Record<ObjectiveName, { label: string; short: string; unit: 'ms' | 's' }> = {
  story_p99: { label: 'Story latency p99', short: 'p99', unit: 'ms' },
  backlog_age: { label: 'Oldest Open story', short: 'Oldest', unit: 's' },
};

/** An objective's state: its target, its value now, and since when it is breached (null: met). */
export interface ObjectiveState {
  name: ObjectiveName;
  target: number;
  /** The rolling value (null: no data in the window). */
  value: number | null;
  status: 'ok' | 'firing';
  /** Epoch ms the breach started (firing only). */
  since: number | null;
  windowSec: number;
}
