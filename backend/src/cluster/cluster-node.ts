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
 * This instance's membership of the cluster: the Redis connections and every shared piece built on them (none without REDIS_URL).
 * Each piece's answer to Redis being away: ARCHITECTURE.md, "Redis trouble is a 503 or served locally".
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
  // Separate connections for subscriptions: a subscribed connection can do nothing else.
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
