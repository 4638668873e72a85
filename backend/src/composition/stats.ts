import type { ObjectiveState } from '@storyflow/contracts';
import { ObjectiveAlerts } from '../alerts/objective-alerts.js';
import type { ClusterNode } from '../cluster/cluster-node.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Processor } from '../processing/processor.js';
import type { StatsFeed } from '../realtime/stats-feed.js';
import type { Clock } from '../shared/clock.js';
import type { Lifecycle } from '../shared/lifecycle.js';
import { Periodic } from '../shared/periodic.js';
import { toInstanceReport } from '../stats/cluster-second.js';
import type { CounterCache } from '../stats/counter-cache.js';
import type { History } from '../stats/history.js';
import { LiveSeconds } from '../stats/live-seconds.js';
import { StatsSampler } from '../stats/sampler.js';
import { assembleSecond, SecondMeter, type SecondSources } from '../stats/second.js';

const HISTORY_WRITE_MS = 5_000;
/** Rollups follow the seconds this closely (a range's latest minute may be this late); trimming follows at the same pass. */
const HISTORY_MAINTAIN_MS = 60_000;

/** The per-second figures: alone, assembled and published here; in a cluster, reported and the leader's published. */
export async function startStats(
  parts: { config: Config; counters: CounterCache; processor: Processor; history: History; cluster: ClusterNode | null },
  clock: Clock,
  logger: Logger,
  lifecycle: Lifecycle,
): Promise<{ feed: StatsFeed; objectives: () => ObjectiveState[] }> {
  const { config, counters, processor, history, cluster } = parts;
  const alerts = new ObjectiveAlerts(
    { objectives: config.objectives, webhookUrl: config.alertWebhookUrl, scope: cluster ? 'cluster' : 'instance' },
    logger,
  );
  lifecycle.started('objective alerts', () => alerts.stop());
  const live = new LiveSeconds({
    historySeconds: config.historySeconds,
    clock,
    countersSince: () => counters.since,
    ...(cluster ? { instanceId: cluster.instanceId } : {}),
    judge: (sample, options) => alerts.judge(sample, options),
    record: (sample) => history.record(sample),
  });
  const sampler = new StatsSampler(new SecondMeter(secondSources(counters, processor), clock), clock);
  if (cluster) {
    sampler.onSecond((own) => {
      // Not awaited: a second Redis did not take is counted with the next one (running totals).
      void cluster.stats
        .report(toInstanceReport(own))
        .catch((error: unknown) => logger.debug({ err: error }, 'could not report this second to the cluster'));
    });
    cluster.stats.onSecond((second, speaker) => live.publish(second, speaker));
    await cluster.stats.start();
  } else {
    sampler.onSecond((own) => live.publish(assembleSecond(own), { leader: true }));
  }
  sampler.start();
  lifecycle.started('stats sampler', () => sampler.stop());
  startHistoryWriter(history, clock, lifecycle);
  return { feed: live, objectives: () => alerts.objectives() };
}

/** What this instance's second is measured from: the counter cache and the processor. */
function secondSources(counters: CounterCache, processor: Processor): SecondSources {
  return {
    counters,
    pool: () => {
      const { poolSize, busyWorkers, backlogTasks, oldestOpenAt } = processor.load;
      return { poolSize, busyWorkers, backlogTasks, oldestOpenAt, paused: processor.pausedAt !== null };
    },
    tasksRun: () => processor.tasksRun,
    onStoryDone: (listener) => processor.changes.add((story, change) => change === 'done' && listener(story)),
  };
}

/** Every few seconds, the seconds recorded since the last write; rolled up and trimmed every minute. */
function startHistoryWriter(history: History, clock: Clock, lifecycle: Lifecycle): void {
  let maintainedAt = 0;
  const writer = new Periodic(
    async () => {
      await history.flush(clock.now());
      if (clock.now() - maintainedAt < HISTORY_MAINTAIN_MS) return;
      maintainedAt = clock.now();
      await history.maintain(maintainedAt);
    },
    HISTORY_WRITE_MS,
    clock,
  );
  writer.start();
  lifecycle.started('history writer', async () => {
    await writer.stop();
    await history.flush(clock.now()).catch(() => undefined);
  });
}
