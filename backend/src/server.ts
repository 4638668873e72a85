import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DbMode, HealthDto, InfoDto } from '@storyflow/contracts';
import { ConnectionBudget, compileTrust } from './access/client-address.js';
import { MEMORY_MODE_MAX_DONE_TASKS, MEMORY_MODE_RETENTION_SECONDS, type Config } from './config.js';
import { connectDatabase, isConnected } from './db/connection.js';
import { DatabaseHealth } from './db/database-health.js';
import { DbGate } from './db/db-gate.js';
import { startEmbeddedDatabase, type DatabaseHandle } from './db/embedded.js';
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

  // Recovery: finish an interrupted removal, seed the counters, re-queue the Open stories' Open tasks.
  const repaired = await journal.resumePending();
  if (repaired) logger.warn(repaired, 'completed a removal interrupted by the last shutdown');
  const counters = new CounterCache();
  const since = await repository.countingSince(new Date(clock.now()));
  counters.seed({ ...(await repository.totals()), since });
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
    maxOpenTasks: config.maxOpenTasks,
    // Done tasks over the retention bound wait for the purge: until then they hold back new work, so
    // what the in-memory database holds stays bounded whatever clients send.
    backlogElsewhere: () => (maxDoneTasks > 0 ? Math.max(0, counters.current.storedDoneTasks - maxDoneTasks) : 0),
    onOverloaded: () => retention?.kick(),
    onChange: (story, change) => {
      if (change === 'done') metrics.storyCompleted((clock.now() - story.createdAt) / 1000);
      progressChanges.note(story, change);
    },
  });
  const open = await repository.findOpen();
  for (const doc of open) processor.add(toWork(doc));
  processor.start();
  dbHealth.start();
  logger.info({ dbMode: database.mode, counters: counters.current, resumed: open.length }, 'storyflow state loaded');

  const stories = new StoryService({ repository, journal, processor, counters, lock, clock, logger });
  const settler = new Periodic(() => (dbHealth.available ? stories.settleUnknownWrites() : Promise.resolve()), 1000, clock);
  settler.start();
  const sampler = new StatsSampler(counters, () => ({ ...processor.figures, paused: processor.paused }), clock, config.historySeconds);
  sampler.start();
  sampler.onSample((sample) => history.record(sample));
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
    // The size bound needs a quick eye in the in-memory mode: a burst completes thousands of tasks a second.
    sweepMs: maxDoneTasks > 0 ? Math.min(config.retentionSweepMs, 1000) : config.retentionSweepMs,
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
    instanceId: null,
  });
  const app = createApp({
    stories,
    system: { health, snapshot: () => sampler.snapshot(), info, history: (range) => history.range(range, clock.now()) },
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
  });
  const httpServer = createServer(app);
  // Slow or idle clients must not hold sockets forever (slowloris): bounded header and request times.
  httpServer.headersTimeout = 20_000;
  httpServer.requestTimeout = 60_000;
  const feedGate = {
    access: config.access,
    allowedOrigins: config.allowedOrigins,
    trustProxy,
    budget: new ConnectionBudget(config.maxSocketsPerClient),
  };
  const sockets = attachSocketServer(httpServer, sampler, feedGate, logger);
  const legacy = attachLegacyStatusSocket(httpServer, sampler, feedGate, logger);
  const watch = attachStoryWatch(sockets.io, progressChanges.source(stories), clock);
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
      await processor.stop();
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
      logger.info('shutdown complete');
    })());

  return { url, httpServer, dbMode: database.mode, stop };
}
