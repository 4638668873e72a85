import { createAdapter } from '@socket.io/redis-adapter';
import type { Redis } from 'ioredis';
import { RedisStore } from 'rate-limit-redis';
import type { ProcessingDto } from '@storyflow/contracts';
import type { Logger } from '../logger.js';
import type { Clock } from '../shared/clock.js';
import { ClusterAdmission } from './cluster-admission.js';
import { ClusterConnectionBudget } from './cluster-sockets.js';
import { ClusterStats, type AssembleClusterSecond, type StoredTotals } from './cluster-stats.js';
import { KEYS } from './keys.js';
import { Leases } from './leases.js';
import { ProcessingControl } from './processing-control.js';
import { DeletedIdsSchema, readMessage } from './messages.js';
import { connectRedis, publishingQuietly } from './redis-client.js';
import { RedisGate } from './redis-gate.js';
import { RedisHealth } from './redis-health.js';
import { SharedOrLocalStore } from './shared-rate-limit-store.js';
import { WatchedStories } from './watched-stories.js';
import { Listeners } from '../shared/listeners.js';

export interface ClusterSettings {
  redisUrl: string;
  leaseMs: number;
  instanceId: string;
}

/**
 * This instance's membership of the cluster: the Redis connections and every shared piece built on them
 * (leases, totals, live figures, admission, socket budget, pause, watched stories, the Socket.IO adapter,
 * the rate limiter's store). The composition root wires them in; without REDIS_URL none of this exists.
 *
 * Redis's bad days, each piece's answer: `health` says within ~1.5 s that Redis is away (and when it is
 * back); calls a request waits for go through `gate` (at once a 503 while it is away, a 1 s deadline
 * otherwise). Shared admission, a new story's lease and pause refuse (503: they cannot be done safely
 * alone); rate limits and the socket cap count locally; figures, renewals and claims retry each period.
 */
export async function joinCluster(options: {
  settings: ClusterSettings;
  maxOpenTasks: number;
  maxSocketsPerClient: number;
  totals: () => Promise<StoredTotals>;
  assembleSecond: AssembleClusterSecond;
  clock: Clock;
  logger: Logger;
}) {
  const { settings, logger } = options;
  const logs = logger.child({ instance: settings.instanceId });
  // Commands, subscriptions (stats, control, deletions) and the adapter's pair: a subscribed connection
  // can do nothing else.
  const redis = await connectRedis(settings.redisUrl, logs, 'commands');
  const subscriber = await connectRedis(settings.redisUrl, logs, 'subscriber');
  const adapterPub = await connectRedis(settings.redisUrl, logs, 'adapter-pub');
  const adapterSub = await connectRedis(settings.redisUrl, logs, 'adapter-sub');
  const health = new RedisHealth(redis, options.clock, logs);
  health.start();
  const gate = new RedisGate(health);
  const stats = new ClusterStats({
    redis,
    subscriber,
    instance: settings.instanceId,
    leaseMs: settings.leaseMs,
    totals: options.totals,
    assemble: options.assembleSecond,
    clock: options.clock,
    logger: logs,
  });
  const control = new ProcessingControl(redis, subscriber, gate, logs);
  const deletedListeners = new Listeners<[ids: string[]]>();
  await subscriber.subscribe(KEYS.deleted);
  subscriber.on('message', (channel: string, message: string) => {
    if (channel !== KEYS.deleted) return;
    const ids = readMessage(DeletedIdsSchema, message, 'deleted stories', logs);
    if (ids) deletedListeners.emit(ids);
  });
  return {
    instanceId: settings.instanceId,
    leaseMs: settings.leaseMs,
    redis,
    health,
    gate,
    leases: new Leases(redis, settings.instanceId, settings.leaseMs),
    stats,
    admission: new ClusterAdmission(redis, gate, settings.instanceId, options.maxOpenTasks),
    socketBudget: new ClusterConnectionBudget(redis, gate, settings.instanceId, options.maxSocketsPerClient),
    control,
    watched: new WatchedStories(redis, logs),
    adapter: createAdapter(publishingQuietly(adapterPub, logs), adapterSub, { key: 'sf:socket.io' }),
    rateLimitStore: (prefix: string) =>
      new SharedOrLocalStore(
        new RedisStore({
          prefix: `${KEYS.rateLimit}${prefix}:`,
          sendCommand: (command: string, ...args: string[]) => redis.call(command, ...args) as never,
        }),
        gate,
      ),
    announceDeleted: async (ids: string[]) => {
      await gate.run(() => redis.publish(KEYS.deleted, JSON.stringify(ids)));
    },
    onDeleted: (listener: (ids: string[]) => void) => deletedListeners.add(listener),
    setPaused: (state: ProcessingDto) => control.set(state),
    async leave(): Promise<void> {
      health.stop();
      stats.stop();
      await Promise.allSettled([redis.quit(), subscriber.quit(), adapterPub.quit(), adapterSub.quit()]);
    },
  };
}

export type ClusterNode = Awaited<ReturnType<typeof joinCluster>>;
export type { Redis };
