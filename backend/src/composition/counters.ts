import type { Logger } from '../logger.js';
import type { Clock } from '../shared/clock.js';
import { CounterCache } from '../stats/counter-cache.js';
import { ABANDONED_REMOVAL_MS } from '../stories/removal-journal.js';
import type { Storage } from './storage.js';

/** Finishes removals a crash interrupted (in a cluster: ours and abandoned ones), then seeds the counter cache from the database. */
export async function loadCounters(storage: Storage, instance: string | null, clock: Clock, logger: Logger): Promise<CounterCache> {
  const startedAt = clock.now();
  const repaired = await storage.ledger.resumeRemovals(
    instance === null ? undefined : (intent) => intent.writer === instance || (intent.at ?? 0) < startedAt - ABANDONED_REMOVAL_MS,
  );
  if (repaired) logger.warn(repaired, 'completed a removal interrupted by the last shutdown');
  const counters = new CounterCache();
  const since = await storage.totals.countingSince(new Date(clock.now()));
  counters.seed({ ...(await storage.totals.totals()), since });
  return counters;
}
