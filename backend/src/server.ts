import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DbMode, HealthDto } from '@storyflow/contracts';
import { MEMORY_MODE_RETENTION_SECONDS, type Config } from './config.js';
import { connectDatabase, isConnected } from './db/connection.js';
import { startEmbeddedDatabase, type DatabaseHandle } from './db/embedded.js';
import { createApp } from './http/app.js';
import type { Logger } from './logger.js';
import { DEFAULT_AUTOSCALER } from './processing/autoscaler.js';
import { Processor } from './processing/processor.js';
import { RetentionSweeper } from './processing/retention.js';
import { attachLegacyStatusSocket, LEGACY_STATUS_PATH } from './realtime/legacy-status-ws.js';
import { attachSocketServer } from './realtime/socket-server.js';
import { refuseUnknownUpgrades } from './realtime/upgrade-guard.js';
import { systemClock, type Clock } from './shared/clock.js';
import { SerialLock } from './shared/serial-lock.js';
import { CounterCache } from './stats/counter-cache.js';
import { StatsSampler } from './stats/sampler.js';
import { storyModels } from './stories/story.model.js';
import { StoryRepository } from './stories/story.repository.js';
import { StoryService } from './stories/story.service.js';

export interface RunningServer {
  url: string;
  httpServer: HttpServer;
  dbMode: DbMode;
  stop(): Promise<void>;
}

/** Composition root: config → db → recovery → pool → http → realtime. `stop` is the graceful shutdown. */
export interface ServerHooks {
  clock?: Clock;
  onDbCommand?: (commandName: string, command: Record<string, unknown>) => void;
}

export async function startServer(config: Config, logger: Logger, hooks: ServerHooks = {}): Promise<RunningServer> {
  const clock = hooks.clock ?? systemClock;
  const startedAt = clock.now();
  const database: DatabaseHandle = config.db.uri
    ? { uri: config.db.uri, mode: 'external', durable: true, stop: async () => {} }
    : await startEmbeddedDatabase({ preference: config.db.embedded, dataDir: config.db.dataDir, logger });
  const connection = await connectDatabase(database.uri, config.db.dbName, config.db.timeoutMs, logger, hooks.onDbCommand);
  const repository = new StoryRepository(storyModels(connection));
  await repository.ensureIndexes();

  // Recovery: finish an interrupted removal, seed the counters, re-queue the Open stories' Open tasks.
  const repaired = await repository.resumePendingRemovals();
  if (repaired) logger.warn(repaired, 'completed a removal interrupted by the last shutdown');
  const counters = new CounterCache();
  counters.seed(await repository.totals());
  const lock = new SerialLock();
  const processor = new Processor({
    repository,
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
  });
  const open = await repository.findOpen();
  for (const doc of open) processor.add(doc);
  processor.start();
  logger.info({ dbMode: database.mode, counters: counters.current, resumed: open.length }, 'storyflow state loaded');

  const stories = new StoryService(repository, processor, counters, lock, clock);
  const sampler = new StatsSampler(counters, () => processor.figures, clock, config.historySeconds);
  sampler.start();

  const retentionSeconds = config.retentionDoneSeconds ?? (database.mode === 'embedded-memory' ? MEMORY_MODE_RETENTION_SECONDS : 0);
  const retention =
    retentionSeconds > 0
      ? new RetentionSweeper((cutoff) => stories.purgeDoneBefore(cutoff), retentionSeconds * 1000, config.retentionSweepMs, clock, logger)
      : null;
  retention?.start();

  let accepting = true;
  const health = (): HealthDto => {
    const connected = isConnected(connection);
    return {
      status: connected && accepting ? 'ok' : 'unavailable',
      accepting,
      db: { mode: database.mode, state: connected ? 'connected' : 'disconnected', durable: database.durable },
      uptimeSec: Math.round((clock.now() - startedAt) / 1000),
    };
  };
  const app = createApp({
    stories,
    system: { health, snapshot: () => sampler.snapshot() },
    logger,
    limits: config.limits,
    bodyLimit: config.bodyLimit,
    legacyCorsOrigins: config.legacyCorsOrigins,
    staticDir: config.staticDir,
    accepting: () => accepting,
  });
  const httpServer = createServer(app);
  const sockets = attachSocketServer(httpServer, sampler, logger);
  const legacy = attachLegacyStatusSocket(httpServer, sampler);
  refuseUnknownUpgrades(httpServer, [sockets.io.path(), LEGACY_STATUS_PATH]);
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, resolve);
  });
  const { port } = httpServer.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  logger.info({ url, dbMode: database.mode, retentionSeconds }, 'storyflow listening');

  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      accepting = false;
      logger.info('shutting down: refusing new work, committing completions');
      await retention?.stop();
      await processor.stop();
      sampler.stop();
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
