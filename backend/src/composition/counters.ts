import type { Logger } from '../logger.js';
import type { Clock } from '../shared/clock.js';
import { CounterCache } from '../stats/counter-cache.js';
import { ABANDONED_REMOVAL_MS } from '../stories/removal-journal.js';
import type { Storage } from './storage.js';

/**
 * Finishes removals a crash interrupted (in a cluster, only those old enough to be a dead instance's),
 * then seeds the counter cache from the database: from here on it is updated in memory.
 */
export async function loadCounters(storage: Storage, clustered: boolean, clock: Clock, logger: Logger): Promise<CounterCache> {
  const repaired = await storage.ledger.resumeRemovals(clustered ? clock.now() - ABANDONED_REMOVAL_MS : undefined);
  if (repaired) logger.warn(repaired, 'completed a removal interrupted by the last shutdown');
  const counters = new CounterCache();
  const since = await storage.totals.countingSince(new Date(clock.now()));
  counters.seed({ ...(await storage.totals.totals()), since });
  return counters;
}
