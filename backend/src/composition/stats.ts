import { LATENCY_BUCKETS_MS, latencySecond, type ObjectiveState, type StatsSample } from '@storyflow/contracts';
import { ObjectiveEvaluator } from '../alerts/objectives.js';
import { WebhookNotifier } from '../alerts/webhook-notifier.js';
import type { ClusterNode } from '../cluster/cluster-node.js';
import { ownCounts } from '../cluster/cluster-stats.js';
import type { InstanceSecond } from '../cluster/messages.js';
import { addCounts, noCounts } from '../cluster/instance-counts.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Processor } from '../processing/processor.js';
import type { StatsFeed } from '../realtime/stats-feed.js';
import type { Clock } from '../shared/clock.js';
import type { Lifecycle } from '../shared/lifecycle.js';
import { Periodic } from '../shared/periodic.js';
import type { CounterCache } from '../stats/counter-cache.js';
import type { HistoryStore } from '../stats/history-store.js';
import { StatsSampler, type PoolFigures } from '../stats/sampler.js';

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
): Promise<{ feed: StatsFeed; objectives: () => ObjectiveState[] }> {
  const { config, counters, processor, history, cluster } = parts;
  const figures = () => ({ ...processor.figures, paused: processor.pausedAt !== null });
  const alerts = startObjectives(config, cluster, logger, lifecycle);
  // Alone, this instance's seconds are the figures the objectives judge; in a cluster, the cluster's.
  const local = cluster ? undefined : alerts.complete;
  const sampler = new StatsSampler(counters, secondFigures(processor, clock, figures), clock, config.historySeconds, local);
  sampler.start();
  lifecycle.started('stats sampler', () => sampler.stop());
  startHistoryWriter(history, clock, lifecycle);
  if (!cluster) {
    sampler.onSample((sample) => history.record(sample));
    return { feed: sampler, objectives: alerts.objectives };
  }
  reportSeconds(sampler, cluster, clock, logger);
  cluster.stats.onPublished((second, leader) => leader && history.record(second.sample));
  await cluster.stats.start(alerts.complete);
  return { feed: cluster.stats, objectives: alerts.objectives };
}

/**
 * In a cluster, each of this instance's seconds goes to Redis, for the leader to add up: its own second's
 * figures, and its running totals since it started (so that a report too late for its second is not lost).
 */
function reportSeconds(sampler: StatsSampler, cluster: ClusterNode, clock: Clock, logger: Logger): void {
  const since = clock.now();
  let totals = noCounts(LATENCY_BUCKETS_MS.length + 1);
  let latest: StatsSample | undefined;
  // A second's sample comes just before its activity (see StatsSampler.tick).
  sampler.onSample((sample) => (latest = sample));
  sampler.onActivity((activity) => {
    const sample = latest?.t === activity.t ? latest : undefined;
    const second: InstanceSecond = {
      t: activity.t,
      producedPerSec: activity.created,
      completedPerSec: activity.completed,
      removedPerSec: activity.removed,
      poolSize: sample?.poolSize ?? 0,
      busyWorkers: sample?.busyWorkers ?? 0,
      backlogTasks: sample?.backlogTasks ?? 0,
      paused: sample?.paused ?? false,
      ...(sample?.latency ? { latencyBuckets: sample.latency.buckets } : {}),
      tasksDonePerSec: sample?.tasksDonePerSec ?? 0,
      oldestOpenAgeSec: sample?.oldestOpenAgeSec ?? null,
    };
    totals = addCounts(totals, ownCounts(second));
    void cluster.stats
      .report({ ...second, totals: { ...totals, since } })
      .catch((error: unknown) => logger.debug({ err: error }, 'could not report this second to the cluster'));
  });
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

/**
 * What the sampler reads each second: the pool's figures, and the second's story latencies (from the
 * stories stored Done in it), tasks done, and the oldest Open story's age. In cluster mode the cluster's
 * figures are aggregated from the instances' reports of these.
 */
function secondFigures(processor: Processor, clock: Clock, figures: () => PoolFigures & { oldestOpenAt: number | null }) {
  // Bounded: a second never holds more latencies than this (a larger burst's are sampled by the first ones).
  const MAX_PER_SECOND = 100_000;
  const latencies: number[] = [];
  processor.changes.add((story, change) => {
    if (change === 'done' && latencies.length < MAX_PER_SECOND) latencies.push(clock.now() - story.createdAt);
  });
  let tasksRun = processor.tasksRun;
  return (): PoolFigures => {
    const { oldestOpenAt, ...pool } = figures();
    const tasksDonePerSec = processor.tasksRun - tasksRun;
    tasksRun = processor.tasksRun;
    return {
      ...pool,
      latency: latencySecond(latencies.splice(0)),
      tasksDonePerSec,
      oldestOpenAgeSec: oldestOpenAt === null ? null : Math.max(0, Math.round((clock.now() - oldestOpenAt) / 100) / 10),
    };
  };
}

/**
 * The objectives (SLO_*): each second's sample is evaluated and carries the breached ones (every
 * dashboard shows them); breaches are POSTed to ALERT_WEBHOOK_URL as they fire and resolve. In a cluster,
 * every instance evaluates the cluster's published seconds (so all agree, and a new leader goes on where
 * the last one stopped), and only the leader POSTs, with labels that do not name it.
 */
function startObjectives(config: Config, cluster: ClusterNode | null, logger: Logger, lifecycle: Lifecycle) {
  const evaluator = new ObjectiveEvaluator(config.objectives);
  const notifier = config.alertWebhookUrl
    ? new WebhookNotifier(
        {
          url: config.alertWebhookUrl,
          timeoutMs: 2000,
          attempts: 3,
          retryPauseMs: 1000,
          maxQueued: 50,
          labels: cluster ? { scope: 'cluster' } : { instance: 'storyflow' },
        },
        logger,
      )
    : null;
  if (notifier) lifecycle.started('alert webhook', () => notifier.stop());
  const complete = (sample: StatsSample, notifies = true): StatsSample => {
    if (!evaluator.enabled) return sample;
    for (const transition of evaluator.observe(sample)) {
      if (!notifies) continue;
      logger.warn(
        { objective: transition.state.name, status: transition.status, value: transition.state.value, target: transition.state.target },
        'objective ' + transition.status,
      );
      notifier?.notify(transition);
    }
    const breached = evaluator.current().filter((state) => state.status === 'firing');
    return {
      ...sample,
      alerts: breached.map(({ name, target, value, since, windowSec }) => ({ name, target, value, since: since!, windowSec })),
    };
  };
  return { complete, objectives: () => evaluator.current() };
}
