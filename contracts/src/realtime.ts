// Plain constants of the real-time contract, without schemas: a screen that needs only these (the chart's
// ranges, the event names) does not load zod with them.

/** GET /api/stats/history?range=…: the persisted per-second figures, bucketed. */
export const HISTORY_RANGES = {
  '1m': { seconds: 60, stepSec: 1 },
  '15m': { seconds: 900, stepSec: 5 },
  '1h': { seconds: 3600, stepSec: 15 },
} as const;
export type HistoryRange = keyof typeof HISTORY_RANGES;

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
