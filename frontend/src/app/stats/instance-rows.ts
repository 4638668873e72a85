import type { InstanceFigures, StatsSample } from '@storyflow/contracts/stats';

/**
 * An instance whose last heartbeat is this old is marked stale (they beat once a second): exactly the
 * ones shown as "3 s ago" or older, so the words and the mark agree.
 */
export const STALE_AFTER_MS = 3000;

/**
 * `up`: it reported within the last few seconds. `stale`: the cluster still lists it, but it has not
 * reported for STALE_AFTER_MS or longer. `gone`: the cluster no longer lists it (its heartbeat expired);
 * shown while it is in the live window, so an instance that dies does not silently vanish.
 */
export type InstanceState = 'up' | 'stale' | 'gone';

export interface InstanceRow {
  id: string;
  state: InstanceState;
  /** Its share as of its last heartbeat; null once gone (its stories are taken over, its pool is no more). */
  poolSize: number | null;
  busyWorkers: number | null;
  backlogTasks: number | null;
  /** Epoch ms of its last heartbeat. */
  lastSeen: number;
  /** "now", "5 s ago", "3 min ago": the heartbeat's age at the end of the second the figures describe. */
  heard: string;
  /** The instance this dashboard's server reports being (GET /api/info). */
  connected: boolean;
}

/**
 * The per-instance breakdown of the newest sample of the window (`samples`, oldest first), or null
 * outside cluster mode. Ages are counted from the end of the newest sample's second, a time of the
 * servers' clocks like the heartbeats: the browser's clock plays no part, and while disconnected the
 * ages stay those of the last known figures (the screen says from when). Instances seen earlier in
 * the window but absent from the newest sample are listed as gone. Sorted by id, so a row keeps its
 * place when an instance goes stale, leaves or comes back.
 */
export function instanceRows(samples: readonly StatsSample[], connectedId: string | null): InstanceRow[] | null {
  const last = samples.at(-1);
  if (!last?.instances) return null;
  const asOf = last.t + 1000;
  const current = new Map(last.instances.map((i) => [i.id, i]));
  const gone = new Map<string, InstanceFigures>();
  for (const s of samples)
    for (const i of s.instances ?? []) {
      if (current.has(i.id)) continue;
      const known = gone.get(i.id);
      if (!known || i.lastSeen > known.lastSeen) gone.set(i.id, i);
    }
  const row = (i: InstanceFigures, isGone: boolean): InstanceRow => {
    const age = asOf - i.lastSeen;
    return {
      id: i.id,
      state: isGone ? 'gone' : age >= STALE_AFTER_MS ? 'stale' : 'up',
      poolSize: isGone ? null : i.poolSize,
      busyWorkers: isGone ? null : i.busyWorkers,
      backlogTasks: isGone ? null : i.backlogTasks,
      lastSeen: i.lastSeen,
      heard: heardText(age),
      connected: i.id === connectedId,
    };
  };
  return [...[...current.values()].map((i) => row(i, false)), ...[...gone.values()].map((i) => row(i, true))].sort((a, b) =>
    a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
  );
}

/** A heartbeat's age in words: "now" within the second, then seconds, then minutes. */
export function heardText(ageMs: number): string {
  const sec = Math.floor(Math.max(0, ageMs) / 1000);
  if (sec < 1) return 'now';
  if (sec < 120) return `${sec} s ago`;
  return `${Math.floor(sec / 60)} min ago`;
}

/**
 * The caption's summary: "2 up", "2 up, 1 gone", "1 up, 1 stale (not in the totals)". A stale instance
 * shows its last figures, but the cluster's totals only sum the instances that reported that second.
 */
export function instancesSummary(rows: readonly InstanceRow[]): string {
  const count = (state: InstanceState) => rows.filter((r) => r.state === state).length;
  const stale = count('stale');
  return (
    (['up', 'stale', 'gone'] as const)
      .map((state) => [count(state), state] as const)
      .filter(([n, state]) => n > 0 || state === 'up')
      .map(([n, state]) => `${n} ${state}`)
      .join(', ') + (stale > 0 ? ' (not in the totals)' : '')
  );
}
