import { joinCluster, type ClusterNode } from '../cluster/cluster-node.js';
import { LeaseKeeper } from '../cluster/lease-keeper.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Admission } from '../processing/admission.js';
import type { Processor } from '../processing/processor.js';
import type { Clock } from '../shared/clock.js';
import type { Lifecycle } from '../shared/lifecycle.js';
import { assembleClusterSecond } from '../stats/cluster-second.js';
import { ABANDONED_REMOVAL_MS } from '../stories/removal-journal.js';
import { toWork } from '../stories/story.mapper.js';
import type { Stories } from './stories.js';
import type { Storage } from './storage.js';

/** Cluster mode (REDIS_URL): this instance's membership. Stopping (after the processor's) gives back every lease, then leaves. */
export async function joinClusterIfConfigured(
  config: Config,
  storage: Storage,
  clock: Clock,
  logger: Logger,
  lifecycle: Lifecycle,
): Promise<ClusterNode | null> {
  if (!config.cluster) return null;
  const node = await joinCluster({
    settings: config.cluster,
    maxOpenTasks: config.maxOpenTasks,
    maxSocketsPerClient: config.maxSocketsPerClient,
    totals: () => storage.totals.currentTotals(),
    assembleSecond: assembleClusterSecond,
    clock,
    logger,
  });
  lifecycle.started('cluster membership', async () => {
    await node.leases.releaseAll().catch(() => undefined);
    await node.leave();
  });
  return node;
}

/** Starts the lease keeper (see LeaseKeeper) and follows pause and deletions; returns how many stories it took on at start. */
export async function keepLeases(
  node: ClusterNode,
  parts: {
    config: Config;
    storage: Storage;
    processor: Processor;
    admission: Admission;
    stories: Stories;
    clock: Clock;
    logger: Logger;
    lifecycle: Lifecycle;
  },
): Promise<number> {
  const { storage, processor, admission, stories, clock, logger } = parts;
  const keeper = new LeaseKeeper(
    node,
    {
      trackedIds: () => [...processor.trackedIds(), ...stories.commands.heldIds()],
      disown: (ids) => ids.forEach((id) => processor.disown(id)),
      openStoryIds: () => storage.repository.openIds(),
      takeOn: async (ids) => {
        const docs = await storage.repository.findOpen(ids);
        for (const doc of docs) processor.add(toWork(doc));
        return docs.map((doc) => doc._id.toHexString());
      },
      openTasks: () => admission.openTasks,
      // Old enough that its writer cannot be finishing it (see ABANDONED_REMOVAL_MS).
      repairAbandonedRemovals: async () => {
        const now = clock.now();
        const done = await storage.ledger.resumeRemovals(({ at = 0 }) => at < now - ABANDONED_REMOVAL_MS);
        if (done) logger.warn(done, 'completed a removal another instance left unfinished');
      },
    },
    node.leaseMs,
    clock,
    logger,
  );
  processor.changes.add((story, change) => change !== 'progress' && keeper.finished(story.id));
  await node.control.follow((state) => stories.pause.apply(state));
  // Back in reach of Redis: the pause state it holds now (announcements may have been missed), or ours if it lost it.
  node.health.onChange(
    (available) =>
      available && void node.control.resync().catch((error: unknown) => logger.warn({ err: error }, 'could not read the pause state back')),
  );
  node.onDeleted((ids) => ids.forEach((id) => processor.forget(id)));
  const claimed = await keeper.start();
  parts.lifecycle.started('lease keeper', () => keeper.stop());
  return claimed;
}
