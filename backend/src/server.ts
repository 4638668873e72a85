import type { Server as HttpServer } from 'node:http';
import type { DbMode } from '@storyflow/contracts';
import { joinClusterIfConfigured, keepLeases } from './composition/cluster.js';
import { loadCounters } from './composition/counters.js';
import { createProcessing } from './composition/processing.js';
import { startStats } from './composition/stats.js';
import { startStorage } from './composition/storage.js';
import { startAudit } from './composition/audit.js';
import { startRetention } from './composition/retention.js';
import { createStories, recoverOpenStories } from './composition/stories.js';
import { startWeb } from './composition/web.js';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { systemClock, type Clock } from './shared/clock.js';
import { Lifecycle } from './shared/lifecycle.js';

export interface RunningServer {
  url: string;
  httpServer: HttpServer;
  dbMode: DbMode;
  stop(): Promise<void>;
}

export interface ServerHooks {
  clock?: Clock;
  /** The server cannot go on (its embedded database exited); without a hook it logs it and stops. */
  onFatal?: (reason: string) => void;
  onDbCommand?: (commandName: string, command: Record<string, unknown>) => void;
}

/** Composition root, in data-flow order (ARCHITECTURE.md); each part registers its stop as it starts, `stop` runs them in reverse. */
export async function startServer(config: Config, logger: Logger, hooks: ServerHooks = {}): Promise<RunningServer> {
  const clock = hooks.clock ?? systemClock;
  const lifecycle = new Lifecycle((part, error) => logger.error({ err: error, part }, 'a part failed to stop'));
  try {
    const onLost =
      hooks.onFatal ??
      ((reason: string) => {
        logger.fatal({ reason }, 'the database is gone; stopping');
        void lifecycle.stop();
      });
    const storage = await startStorage(config, logger, clock, lifecycle, onLost);
    if (hooks.onDbCommand) storage.commands.add(hooks.onDbCommand);
    const counters = await loadCounters(storage, config.cluster?.instanceId ?? null, clock, logger);
    const cluster = await joinClusterIfConfigured(config, storage, clock, logger, lifecycle);
    const retention = await startRetention(config, storage, counters, cluster !== null, clock, logger, lifecycle);
    const { processor, admission } = createProcessing(config, storage, counters, retention, clock, logger, lifecycle);
    const stories = createStories({ storage, processor, admission, retention, counters, cluster, clock, logger, lifecycle });
    const parts = { config, storage, processor, admission, stories, clock, logger, lifecycle };
    const resumed = cluster ? await keepLeases(cluster, parts) : await recoverOpenStories(storage, processor);
    processor.start();
    const { mode } = storage.database;
    logger.info({ dbMode: mode, counters: counters.current, resumed, instance: cluster?.instanceId }, 'storyflow state loaded');
    const { feed, objectives } = await startStats(
      { config, counters, processor, history: storage.history, cluster },
      clock,
      logger,
      lifecycle,
    );
    const audit = startAudit(storage, config.cluster?.instanceId ?? 'local', clock, logger, lifecycle);
    const { url, httpServer } = await startWeb({ ...parts, counters, audit, feed, objectives, cluster });
    logListening(logger, config, url, storage.profile, mode);
    return {
      url,
      httpServer,
      dbMode: mode,
      stop: async () => {
        await lifecycle.stop();
        logger.info('shutdown complete');
      },
    };
  } catch (error) {
    // A part that failed to start leaves none running: what started stops again, in reverse.
    await lifecycle.stop();
    throw error;
  }
}

function logListening(
  logger: Logger,
  config: Config,
  url: string,
  profile: { retentionDoneSeconds: number; maxDoneTasks: number },
  dbMode: DbMode,
) {
  const { retentionDoneSeconds, maxDoneTasks } = profile;
  const tokens = { operatorToken: !!config.access.apiToken, viewerToken: !!config.access.viewToken };
  logger.info({ url, host: config.host, dbMode, retentionSeconds: retentionDoneSeconds, maxDoneTasks, ...tokens }, 'storyflow listening');
}
