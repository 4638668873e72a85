import type { Logger } from '../logger.js';
import type { Admission } from '../processing/admission.js';
import type { Processor } from '../processing/processor.js';
import type { Retention } from '../stories/retention.js';
import type { Clock } from '../shared/clock.js';
import type { Lifecycle } from '../shared/lifecycle.js';
import { Periodic } from '../shared/periodic.js';
import type { CounterCache } from '../stats/counter-cache.js';
import { PauseControl } from '../stories/pause-control.js';
import { StoryCommands, type ClusterPeers } from '../stories/story-commands.js';
import { storyIntake } from '../stories/story-intake.js';
import { toWork } from '../stories/story.mapper.js';
import { RecentTimings } from '../stories/recent-timings.js';
import { StoryQueries } from '../stories/story-queries.js';
import { UnknownWriteSettler } from '../stories/unknown-write-settler.js';
import { UnsettledInserts } from '../stories/unsettled-inserts.js';
import type { ClusterNode } from '../cluster/cluster-node.js';
import type { Storage } from './storage.js';

interface StoriesParts {
  storage: Storage;
  processor: Processor;
  admission: Admission;
  retention: Retention;
  counters: CounterCache;
  cluster: ClusterNode | null;
  clock: Clock;
  logger: Logger;
  lifecycle: Lifecycle;
}

/** The cluster's side of the story commands, over Redis (refused with 503 while it is away: see ClusterNode). */
const peersOf = (cluster: ClusterNode): ClusterPeers => ({
  admit: (tasks, giveBack) => cluster.admission.reserve(tasks, giveBack),
  admitEach: (tasks) => cluster.admission.reserveEach(tasks),
  own: async (id) => (await cluster.gate.run(() => cluster.leases.acquire([id]))).length === 1,
  ownEach: async (ids) => new Set(await cluster.gate.run(() => cluster.leases.acquire(ids))),
  disclaim: (ids) => cluster.leases.release(ids),
  announceDeleted: (ids) => cluster.announceDeleted(ids),
});

/** Story commands and queries, pause control, and the loop that settles writes of unknown outcome. */
export function createStories({ storage, processor, admission, retention, counters, cluster, clock, logger, lifecycle }: StoriesParts) {
  const { repository, ledger } = storage;
  const peers = cluster ? peersOf(cluster) : undefined;
  const unsettled = new UnsettledInserts();
  const takeOn = storyIntake(processor, counters);
  const commands = new StoryCommands({
    repository,
    keys: storage.keys,
    ledger,
    processor,
    admission,
    unsettled,
    retention,
    counters,
    clock,
    logger,
    cluster: peers,
  });
  // Whole-list counts from the counters: this instance's alone, the cluster's as last published (≤ 1 s old).
  const storedCounts = cluster ? () => cluster.stats.counts : () => ({ Open: counters.current.open, Done: counters.current.storedDone });
  const timings = new RecentTimings();
  processor.changes.add((story, change) => {
    if (change === 'progress' && story.ranUntil !== null) timings.ranAll(story.id, story.startedAt, story.ranUntil);
    if (change === 'doneElsewhere') timings.forget(story.id);
  });
  const queries = new StoryQueries(repository, processor, storedCounts, timings);
  const pause = new PauseControl(processor, clock, cluster ? (state) => cluster.setPaused(state) : undefined);
  const settler = new UnknownWriteSettler({ unsettled, repository, ledger, takeOn, processor, counters, clock, logger, cluster: peers });

  const settling = new Periodic(() => (storage.pinging() ? settler.settle() : Promise.resolve()), 1000, clock);
  settling.start();
  lifecycle.started('unknown-write settler', () => settling.stop());
  return { commands, queries, pause };
}

export type Stories = ReturnType<typeof createStories>;

/** Single instance: every Open story in the database is ours; its Open tasks are queued again. */
export async function recoverOpenStories(storage: Storage, processor: Processor): Promise<number> {
  const open = await storage.repository.findOpen();
  for (const doc of open) processor.add(toWork(doc));
  return open.length;
}
