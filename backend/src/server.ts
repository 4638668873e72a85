import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DbMode, HealthDto, InfoDto } from '@storyflow/contracts';
import { LocalConnectionBudget, compileTrust } from './access/client-address.js';
import { MEMORY_MODE_MAX_DONE_TASKS, MEMORY_MODE_RETENTION_SECONDS, type Config } from './config.js';
import { connectDatabase, isConnected } from './db/connection.js';
import { DatabaseHealth } from './db/database-health.js';
import { DbGate } from './db/db-gate.js';
import { startEmbeddedDatabase, type DatabaseHandle } from './db/embedded.js';
import { joinCluster, type ClusterNode } from './cluster/cluster-node.js';
import { Ownership } from './cluster/ownership.js';
import { createApp } from './http/app.js';
import { createMetrics } from './metrics/metrics.js';
import type { Logger } from './logger.js';
import { DEFAULT_AUTOSCALER } from './processing/autoscaler.js';
import { Processor } from './processing/processor.js';
import { RetentionSweeper } from './processing/retention.js';
import { attachLegacyStatusSocket, LEGACY_STATUS_PATH } from './realtime/legacy-status-ws.js';
import { attachSocketServer } from './realtime/socket-server.js';
import { attachStoryWatch } from './realtime/story-watch.js';
import { refuseUnknownUpgrades } from './realtime/upgrade-guard.js';
import { systemClock, type Clock } from './shared/clock.js';
import { Periodic } from './shared/periodic.js';
import { SerialLock } from './shared/serial-lock.js';
import { CounterCache } from './stats/counter-cache.js';
import { HistoryStore } from './stats/history-store.js';
import { StatsSampler } from './stats/sampler.js';
import { ProgressChanges } from './stories/progress-changes.js';
import { RemovalJournal } from './stories/removal-journal.js';
import { storyModels } from './stories/story.model.js';
import { StoryRepository } from './stories/story.repository.js';
import { StoryService, toWork } from './stories/story.service.js';

export interface RunningServer {
  url: string;
  httpServer: HttpServer;
  dbMode: DbMode;
  stop(): Promise<void>;
}

export interface ServerHooks {
  clock?: Clock;
  onDbCommand?: (commandName: string, command: Record<string, unknown>) => void;
}

/** Composition root: config → db → recovery → pool → http → realtime. `stop` is the graceful shutdown. */
export async function startServer(config: Config, logger: Logger, hooks: ServerHooks = {}): Promise<RunningServer> {
  const clock = hooks.clock ?? systemClock;
  const startedAt = clock.now();
  const database: DatabaseHandle = config.db.uri
    ? { uri: config.db.uri, mode: 'external', durable: true, stop: async () => {} }
    : await startEmbeddedDatabase({ preference: config.db.embedded, dataDir: config.db.dataDir, memoryMb: config.db.memoryMb, logger });
  // Created first, its sources read late: the processor and counters below exist by the first scrape.
  const metrics = createMetrics({
    pool: () => processor.figures,
    counters: () => counters.current,
    openTasks: () => processor.openTasks,
    tasksRun: () => processor.tasksRun,
  });
  const connection = await connectDatabase(database.uri, config.db.dbName, config.db.timeoutMs, logger, (name, command) => {
    metrics.dbCommand(name, typeof command[name] === 'string' ? command[name] : '');
    hooks.onDbCommand?.(name, command);
  });
  // A ping answers in milliseconds: one that takes seconds means a hung database.
  const dbHealth = new DatabaseHealth(connection, clock, logger, Math.min(config.db.timeoutMs, 2000));
  const gate = new DbGate(config.db.timeoutMs, () => dbHealth.available);
  const models = storyModels(connection);
  const repository = new StoryRepository(models, gate);
  const journal = new RemovalJournal(models, gate);
  const history = new HistoryStore(connection, gate);
  await repository.ensureIndexes();
  await history.ensureIndexes();

  // Cluster mode (REDIS_URL): the shared pieces, over Redis.
  const cluster: ClusterNode | null = config.cluster
    ? await joinCluster({
        settings: config.cluster,
        maxOpenTasks: config.maxOpenTasks,
        maxSocketsPerClient: config.maxSocketsPerClient,
        historySeconds: config.historySeconds,
        countersSince: (): number => counters.since,
        totals: () => repository.currentTotals(),
        clock,
        logger,
        // The leader persists the cluster's seconds; the others only relay them.
        onPublished: (second, leader) => leader && history.record(second.sample),
      })
    : null;

  // Recovery: finish an interrupted removal, seed the counters, re-queue the Open stories' Open tasks.
  // In a cluster, only removals old enough to be a dead instance's (again every minute, below).
  const ABANDONED_REMOVAL_MS = 60_000;
  const repaired = await journal.resumePending(cluster ? clock.now() - ABANDONED_REMOVAL_MS : undefined);
  if (repaired) logger.warn(repaired, 'completed a removal interrupted by the last shutdown');
  const counters: CounterCache = new CounterCache();
  const since = await repository.countingSince(new Date(clock.now()));
  counters.seed({ ...(await repository.totals()), since });
  /** Cluster mode: leases to give back (stories Done or deleted here), sent in batches. */
  const finishedLeases = new Set<string>();
  const lock = new SerialLock();
  const progressChanges = new ProgressChanges(clock);
  const memoryMode = database.mode === 'embedded-memory';
  const retentionSeconds = config.retentionDoneSeconds ?? (memoryMode ? MEMORY_MODE_RETENTION_SECONDS : 0);
  const maxDoneTasks = config.retentionMaxDoneTasks ?? (memoryMode ? MEMORY_MODE_MAX_DONE_TASKS : 0);
  let retention: RetentionSweeper | null = null;
  const processor = new Processor({
    store: repository,
    counters,
    lock,
    clock,
    logger,
    autoscaler: {
      ...DEFAULT_AUTOSCALER,
      min: config.pool.min,
      max: config.pool.max,
      targetWaitMs: config.pool.targetWaitMs,
      shrinkCooldownMs: config.pool.shrinkCooldownMs,
    },
    autoscaleIntervalMs: config.pool.intervalMs,
    flushIntervalMs: config.flushIntervalMs,
    progressWriteIntervalMs: config.progressWriteIntervalMs,
    maxOpen: { tasks: config.maxOpenTasks, stories: config.maxOpenStories },
    // Done tasks over the retention bound wait for the purge: until then they hold back new work, so
    // what the in-memory database holds stays bounded whatever clients send.
    backlogElsewhere: () => (maxDoneTasks > 0 ? Math.max(0, counters.current.storedDoneTasks - maxDoneTasks) : 0),
    onOverloaded: () => retention?.kick(),
    onChange: (story, change) => {
      if (change === 'done') {
        metrics.storyCompleted((clock.now() - story.createdAt) / 1000);
        stories.noteCompleted(story.id, story.taskCount, clock.now());
        // In the in-memory mode a burst completes thousands of tasks a second: purge once over the bound.
        if (maxDoneTasks > 0 && counters.current.storedDoneTasks > maxDoneTasks) retention?.kick();
      }
      if (cluster && change !== 'progress') finishedLeases.add(story.id);
      progressChanges.note(story, change);
    },
  });
  const stories = new StoryService({
    repository,
    journal,
    processor,
    counters,
    lock,
    clock,
    logger,
    ...(cluster
      ? {
          cluster: {
            admit: (tasks) => cluster.admission.reserve(tasks),
            own: async (id) => (await cluster.leases.acquire([id])).length === 1,
            disclaim: (ids) => cluster.leases.release(ids),
            announceDeleted: (ids) => cluster.announceDeleted(ids),
            setPaused: (state) => cluster.setPaused(state),
          },
        }
      : {}),
  });
  // Ownership (cluster mode): the Open stories whose lease this instance gets, now and as owners die.
  const ownership = cluster
    ? new Ownership(
        cluster.leases,
        {
          trackedIds: () => [...processor.trackedIds(), ...stories.heldIds()],
          disown: (ids) => ids.forEach((id) => processor.disown(id)),
          openStoryIds: () => repository.openIds(),
          takeOn: async (ids) => {
            const docs = await repository.findOpenByIds(ids);
            for (const doc of docs) processor.add(toWork(doc));
            return docs.map((d) => d._id.toHexString());
          },
        },
        config.cluster!.leaseMs,
        clock,
        logger,
      )
    : null;
  // Retention's list of the Done stories stored (only needed when it runs).
  if (retentionSeconds > 0 || maxDoneTasks > 0) await stories.loadDone();
  let resumed: number;
  if (ownership) {
    resumed = await ownership.claim();
    ownership.start();
  } else {
    const open = await repository.findOpen();
    for (const doc of open) processor.add(toWork(doc));
    resumed = open.length;
  }
  processor.start();
  dbHealth.start();
  logger.info({ dbMode: database.mode, counters: counters.current, resumed, instance: cluster?.instanceId }, 'storyflow state loaded');
  const settler = new Periodic(() => (dbHealth.available ? stories.settleUnknownWrites() : Promise.resolve()), 1000, clock);
  settler.start();
  const sampler = new StatsSampler(counters, () => ({ ...processor.figures, paused: processor.paused }), clock, config.historySeconds);
  sampler.start();
  // Alone, this instance's figures are the figures; in a cluster it reports its share each second and
  // relays the cluster's, which the leader aggregates (and persists).
  const feed = cluster ? cluster.stats : sampler;
  if (cluster) {
    sampler.onActivity((activity) => {
      const figures = processor.figures;
      void cluster.stats
        .report({
          ...figures,
          t: activity.t,
          producedPerSec: activity.created,
          completedPerSec: activity.completed,
          removedPerSec: activity.removed,
          paused: processor.paused,
        })
        .catch((error: unknown) => logger.debug({ err: error }, 'could not report this second to the cluster'));
    });
    await cluster.stats.start();
    await cluster.control.follow((state) => stories.applyProcessing(state));
    cluster.onDeleted((ids) => void lock.run(async () => ids.forEach((id) => processor.forget(id))));
  } else {
    sampler.onSample((sample) => history.record(sample));
  }
  // Cluster upkeep: lease releases sent in batches, this instance's admission share, watched stories.
  let upkeepAt = 0;
  let removalsCheckedAt = clock.now();
  const clusterUpkeep = cluster
    ? new Periodic(
        async () => {
          const release = [...finishedLeases];
          finishedLeases.clear();
          if (release.length) await cluster.leases.release(release).catch(() => release.forEach((id) => finishedLeases.add(id)));
          if (clock.now() - upkeepAt < 1000) return;
          upkeepAt = clock.now();
          await cluster.admission.sync(processor.openTasks);
          await cluster.watched.refresh();
          if (clock.now() - removalsCheckedAt >= ABANDONED_REMOVAL_MS) {
            removalsCheckedAt = clock.now();
            await lock.run(async () => {
              const done = await journal.resumePending(clock.now() - ABANDONED_REMOVAL_MS);
              if (done) logger.warn(done, 'completed a removal another instance left unfinished');
            });
          }
        },
        200,
        clock,
      )
    : null;
  clusterUpkeep?.start();
  // Every few seconds, the seconds since the last write; trimmed to the retention every ten minutes.
  let trimmedAt = 0;
  const historyWriter = new Periodic(
    async () => {
      await history.flush();
      if (clock.now() - trimmedAt < 600_000) return;
      trimmedAt = clock.now();
      await history.trim(trimmedAt);
    },
    5_000,
    clock,
  );
  historyWriter.start();

  retention = new RetentionSweeper({
    purge: (cutoff, batch) => stories.purgeDone(cutoff, batch),
    retentionMs: retentionSeconds * 1000,
    maxDoneTasks,
    storedDoneTasks: () => counters.current.storedDoneTasks,
    // The size bound gets a sweep as soon as it is passed (see onChange below), not only every sweepMs.
    sweepMs: config.retentionSweepMs,
    clock,
    logger,
  });
  retention.start();

  let accepting = true;
  const health = (): HealthDto => {
    const connected = isConnected(connection) && dbHealth.available;
    return {
      status: connected && accepting ? 'ok' : 'unavailable',
      accepting,
      db: { mode: database.mode, state: connected ? 'connected' : 'disconnected', durable: database.durable },
      uptimeSec: Math.round((clock.now() - startedAt) / 1000),
    };
  };
  const trustProxy = compileTrust(config.trustProxy);
  const info = (): InfoDto => ({
    db: { mode: database.mode, durable: database.durable },
    retention: { doneSeconds: retentionSeconds, maxDoneTasks },
    historySeconds: config.historySeconds,
    countersSince: counters.since,
    paused: processor.paused,
    instanceId: cluster?.instanceId ?? null,
  });
  const app = createApp({
    stories,
    system: { health, snapshot: () => feed.snapshot(), info, history: (range) => history.range(range, clock.now()) },
    logger,
    limits: config.limits,
    bodyLimit: config.bodyLimit,
    legacyCorsOrigins: config.legacyCorsOrigins,
    staticDir: config.staticDir,
    accepting: () => accepting,
    access: config.access,
    metrics,
    trustProxy,
    rateLimit: config.rateLimit,
    ...(cluster ? { rateLimitStore: cluster.rateLimitStore } : {}),
  });
  const httpServer = createServer(app);
  // Slow or idle clients must not hold sockets forever (slowloris): bounded header and request times.
  httpServer.headersTimeout = 20_000;
  httpServer.requestTimeout = 60_000;
  const feedGate = {
    access: config.access,
    allowedOrigins: config.allowedOrigins,
    trustProxy,
    budget: cluster ? cluster.socketBudget : new LocalConnectionBudget(config.maxSocketsPerClient),
  };
  const sockets = attachSocketServer(httpServer, feed, feedGate, logger, cluster ? { adapter: cluster.adapter, websocketOnly: true } : {});
  const legacy = attachLegacyStatusSocket(httpServer, feed, feedGate, logger);
  const watch = attachStoryWatch(sockets.io, progressChanges.source(stories), clock, cluster?.watched);
  refuseUnknownUpgrades(httpServer, [sockets.io.path(), LEGACY_STATUS_PATH]);
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, resolve);
  });
  const { port } = httpServer.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  logger.info(
    {
      url,
      host: config.host,
      dbMode: database.mode,
      retentionSeconds,
      maxDoneTasks,
      operatorToken: !!config.access.apiToken,
      viewerToken: !!config.access.viewToken,
    },
    'storyflow listening',
  );

  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      accepting = false;
      logger.info('shutting down: refusing new work, committing completions');
      await retention.stop();
      await settler.stop();
      await ownership?.stop();
      const held = processor.trackedIds();
      await processor.stop();
      // Give back what is left, so the other instances take it on now rather than after LEASE_MS.
      if (cluster) {
        await clusterUpkeep?.stop();
        await cluster.leases.release([...held, ...finishedLeases]).catch(() => undefined);
      }
      sampler.stop();
      watch.close();
      await historyWriter.stop();
      await history.flush().catch(() => undefined);
      dbHealth.stop();
      await Promise.all([sockets.close(), legacy.close()]);
      await new Promise<void>((resolve) => {
        httpServer.close(() => resolve());
        httpServer.closeIdleConnections();
        // In-flight requests get a moment; then the sockets are cut.
        setTimeout(() => httpServer.closeAllConnections(), 1000).unref();
      });
      connection.removeAllListeners('disconnected');
      await connection.close();
      await database.stop();
      await cluster?.leave();
      logger.info('shutdown complete');
    })());

  return { url, httpServer, dbMode: database.mode, stop };
}
