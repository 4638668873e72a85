import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HealthDto, InfoDto, ObjectiveState } from '@storyflow/contracts';
import { LocalConnectionBudget, compileTrust } from '../access/client-address.js';
import { hostAllowed } from '../access/host-policy.js';
import type { ClusterNode } from '../cluster/cluster-node.js';
import type { Config } from '../config.js';
import { createApp } from '../http/app.js';
import { healthVerdict } from '../http/health-verdict.js';
import type { AuditEndpoints, SystemState } from '../http/endpoints.js';
import type { Logger } from '../logger.js';
import { createMetrics } from '../metrics/metrics.js';
import type { Admission } from '../processing/admission.js';
import type { Processor } from '../processing/processor.js';
import { attachLegacyStatusSocket, takesLegacyUpgrade } from '../realtime/legacy-status-ws.js';
import { attachSocketServer } from '../realtime/socket-server.js';
import type { StatsFeed } from '../realtime/stats-feed.js';
import { attachStoryWatch } from '../realtime/story-watch.js';
import { refuseUnknownUpgrades } from '../realtime/upgrade-guard.js';
import type { Clock } from '../shared/clock.js';
import type { Lifecycle } from '../shared/lifecycle.js';
import type { CounterCache } from '../stats/counter-cache.js';
import { ProgressChanges } from '../stories/progress-changes.js';
import type { StoryCommands } from '../stories/story-commands.js';
import type { StoryQueries } from '../stories/story-queries.js';
import type { Stories } from './stories.js';
import type { Storage } from './storage.js';

export interface WebParts {
  config: Config;
  storage: Storage;
  counters: CounterCache;
  processor: Processor;
  admission: Admission;
  stories: Stories;
  audit: AuditEndpoints;
  feed: StatsFeed;
  /** The objectives (SLO_*), met or breached, for /api/health. */
  objectives: () => ObjectiveState[];
  cluster: ClusterNode | null;
  clock: Clock;
  logger: Logger;
  lifecycle: Lifecycle;
}

/** Prometheus metrics: instruments fed by the database's command events and the processor's changes. */
function observe({ config, storage, counters, processor, admission, clock }: WebParts) {
  const metrics = createMetrics({
    pool: () => processor.load,
    counters: () => counters.current,
    openTasks: () => admission.openTasks,
    tasksRun: () => processor.tasksRun,
    now: () => clock.now(),
    latencyObjectiveMs: config.objectives.storyP99Ms,
  });
  storage.commands.add((name, command) => metrics.dbCommand(name, typeof command[name] === 'string' ? command[name] : ''));
  processor.changes.add(
    (story, change) => change === 'done' && metrics.storyCompleted(((story.completedAt ?? clock.now()) - story.createdAt) / 1000),
  );
  return metrics;
}

/** What the story routes call: commands, queries and pause control. */
function storyEndpoints({ commands, queries, pause }: Stories) {
  return {
    create: (...args: Parameters<StoryCommands['create']>) => commands.create(...args),
    createBatch: (...args: Parameters<StoryCommands['createBatch']>) => commands.createBatch(...args),
    createFromLegacyJob: (...args: Parameters<StoryCommands['createFromLegacyJob']>) => commands.createFromLegacyJob(...args),
    assertRoomFor: (minTasks: number) => commands.assertRoomFor(minTasks),
    rerun: (id: string) => commands.rerun(id),
    bulk: (request: Parameters<StoryCommands['bulk']>[0]) => commands.bulk(request),
    deleteOne: (id: string) => commands.deleteOne(id),
    deleteDone: () => commands.deleteDone(),
    list: (query: Parameters<StoryQueries['list']>[0]) => queries.list(query),
    get: (id: string) => queries.get(id),
    processing: () => pause.state(),
    setPaused: (paused: boolean) => pause.setPaused(paused),
  };
}

/** What `/api/health`, `/api/info` and the stats endpoints answer. */
function systemState(
  { config, storage, counters, processor, feed, objectives, cluster, clock }: WebParts,
  accepting: () => boolean,
): SystemState {
  const startedAt = clock.now();
  const uptimeSec = () => Math.round((clock.now() - startedAt) / 1000);
  const { database, profile, history } = storage;
  return {
    health: (): HealthDto => {
      const connected = storage.available();
      const redis = cluster && {
        state: cluster.health.available ? ('connected' as const) : ('unavailable' as const),
        since: cluster.health.stateSince,
      };
      return {
        ...healthVerdict({ database: connected, redis: redis ? redis.state === 'connected' : null, accepting: accepting() }),
        accepting: accepting(),
        db: { mode: database.mode, state: connected ? 'connected' : 'disconnected', durable: database.durable },
        ...(redis ? { redis } : {}),
        slo: objectives(),
        uptimeSec: uptimeSec(),
      };
    },
    liveness: () => ({ alive: true, uptimeSec: uptimeSec() }),
    snapshot: () => feed.snapshot(),
    info: (): InfoDto => ({
      db: { mode: database.mode, durable: database.durable },
      retention: { doneSeconds: profile.retentionDoneSeconds, maxDoneTasks: profile.maxDoneTasks },
      historySeconds: config.historySeconds,
      countersSince: counters.since,
      paused: processor.pausedAt !== null,
      pool: { min: config.pool.min, max: config.pool.max },
      instanceId: cluster?.instanceId ?? null,
    }),
    history: (range) => history.range(range, clock.now()),
  };
}

/** The edges on one HTTP server. Stopping refuses new work (503), closes the sockets, then the server. */
export async function startWeb(parts: WebParts): Promise<{ url: string; httpServer: ReturnType<typeof createServer> }> {
  const { config, stories, feed, cluster, clock, logger, lifecycle } = parts;
  let accepting = true;
  const trustProxy = compileTrust(config.trustProxy);
  const ownHost = hostAllowed(config.allowedHosts ?? ['*']);
  const app = createApp({
    stories: storyEndpoints(stories),
    audit: parts.audit,
    system: systemState(parts, () => accepting),
    logger,
    limits: config.limits,
    bodyLimit: config.bodyLimit,
    legacyCorsOrigins: config.legacyCorsOrigins,
    staticDir: config.staticDir,
    accepting: () => accepting,
    access: config.access,
    ownHost,
    metrics: observe(parts),
    trustProxy,
    rateLimit: config.rateLimit,
    storyRateLimit: config.storyRateLimit,
    ...(cluster ? { rateLimitStore: cluster.rateLimitStore } : {}),
  });
  const httpServer = createServer(app);
  // Slow or idle clients must not hold sockets forever (slowloris): bounded header and request times.
  httpServer.headersTimeout = 20_000;
  httpServer.requestTimeout = 60_000;
  lifecycle.started('http server', () => closeHttpServer(httpServer));

  const gate = {
    access: config.access,
    ownHost,
    allowedOrigins: config.allowedOrigins,
    trustProxy,
    budget: cluster ? cluster.socketBudget : new LocalConnectionBudget(config.maxSocketsPerClient),
  };
  const sockets = attachSocketServer(httpServer, feed, gate, logger, {
    ...(cluster ? { adapter: cluster.adapter, websocketOnly: true } : {}),
    eventBudget: config.socketEvents,
    now: () => clock.now(),
  });
  const legacy = attachLegacyStatusSocket(httpServer, feed, gate, logger);
  const progressChanges = new ProgressChanges(clock);
  parts.processor.changes.add((story, change) => progressChanges.note(story, change));
  const watch = attachStoryWatch(sockets.io, progressChanges.source(stories.queries), clock, cluster?.watched);
  refuseUnknownUpgrades(httpServer, [sockets.takesUpgrade, takesLegacyUpgrade]);
  lifecycle.started('sockets', async () => {
    watch.close();
    await Promise.all([sockets.close(), legacy.close()]);
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, resolve);
  });
  lifecycle.started('accepting requests', () => {
    accepting = false;
    logger.info('shutting down: refusing new work, committing completions');
  });
  const { port } = httpServer.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, httpServer };
}

function closeHttpServer(httpServer: ReturnType<typeof createServer>): Promise<void> {
  return new Promise<void>((resolve) => {
    httpServer.close(() => resolve());
    httpServer.closeIdleConnections();
    // In-flight requests get a moment; then the sockets are cut.
    setTimeout(() => httpServer.closeAllConnections(), 1000).unref();
  });
}
