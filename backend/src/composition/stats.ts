import type { ClusterNode } from '../cluster/cluster-node.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Processor } from '../processing/processor.js';
import type { StatsFeed } from '../realtime/stats-feed.js';
import type { Clock } from '../shared/clock.js';
import type { Lifecycle } from '../shared/lifecycle.js';
import { Periodic } from '../shared/periodic.js';
import type { CounterCache } from '../stats/counter-cache.js';
import type { HistoryStore } from '../stats/history-store.js';
import { StatsSampler } from '../stats/sampler.js';

const HISTORY_WRITE_MS = 5_000;
const HISTORY_TRIM_MS = 600_000;

/**
 * The per-second figures: this instance's sampler reads the counter cache and the pool each second.
 * Alone, its seconds are the figures and are persisted here; in a cluster it reports its share to Redis
 * and relays the cluster's seconds, which the leader aggregates (and persists). Returns the feed the
 * dashboards and `/api/stats` read.
 */
export async function startStats(
  parts: { config: Config; counters: CounterCache; processor: Processor; history: HistoryStore; cluster: ClusterNode | null },
  clock: Clock,
  logger: Logger,
  lifecycle: Lifecycle,
): Promise<StatsFeed> {
  const { config, counters, processor, history, cluster } = parts;
  const figures = () => ({ ...processor.figures, paused: processor.pausedAt !== null });
  const sampler = new StatsSampler(counters, figures, clock, config.historySeconds);
  sampler.start();
  lifecycle.started('stats sampler', () => sampler.stop());
  startHistoryWriter(history, clock, lifecycle);
  if (!cluster) {
    sampler.onSample((sample) => history.record(sample));
    return sampler;
  }
  sampler.onActivity((activity) => {
    const second = {
      ...figures(),
      t: activity.t,
      producedPerSec: activity.created,
      completedPerSec: activity.completed,
      removedPerSec: activity.removed,
    };
    void cluster.stats
      .report(second)
      .catch((error: unknown) => logger.debug({ err: error }, 'could not report this second to the cluster'));
  });
  cluster.stats.onPublished((second, leader) => leader && history.record(second.sample));
  await cluster.stats.start();
  return cluster.stats;
}

/** Every few seconds, the seconds recorded since the last write; trimmed to the kept range every ten minutes. */
function startHistoryWriter(history: HistoryStore, clock: Clock, lifecycle: Lifecycle): void {
  let trimmedAt = 0;
  const writer = new Periodic(
    async () => {
      await history.flush();
      if (clock.now() - trimmedAt < HISTORY_TRIM_MS) return;
      trimmedAt = clock.now();
      await history.trim(trimmedAt);
    },
    HISTORY_WRITE_MS,
    clock,
  );
  writer.start();
  lifecycle.started('history writer', async () => {
    await writer.stop();
    await history.flush().catch(() => undefined);
  });
}
