import { createAdapter } from '@socket.io/redis-adapter';
import type { Redis } from 'ioredis';
import { RedisStore } from 'rate-limit-redis';
import type { ProcessingDto } from '@storyflow/contracts';
import type { Logger } from '../logger.js';
import type { Clock } from '../shared/clock.js';
import { ClusterAdmission } from './cluster-admission.js';
import { ClusterConnectionBudget } from './cluster-sockets.js';
import { ClusterStats } from './cluster-stats.js';
import { KEYS } from './keys.js';
import { Leases } from './leases.js';
import { ProcessingControl } from './processing-control.js';
import { connectRedis } from './redis-client.js';
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
 */
export async function joinCluster(options: {
  settings: ClusterSettings;
  maxOpenTasks: number;
  maxSocketsPerClient: number;
  historySeconds: number;
  countersSince: () => number;
  totals: () => Promise<{ open: number; completed: number; storedDone: number }>;
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
  const stats = new ClusterStats({
    redis,
    subscriber,
    instance: settings.instanceId,
    leaseMs: settings.leaseMs,
    totals: options.totals,
    clock: options.clock,
    logger: logs,
    historySeconds: options.historySeconds,
    countersSince: options.countersSince,
  });
  const control = new ProcessingControl(redis, subscriber, logs);
  const deletedListeners = new Listeners<[ids: string[]]>();
  await subscriber.subscribe(KEYS.deleted);
  subscriber.on('message', (channel: string, message: string) => {
    if (channel !== KEYS.deleted) return;
    const ids = (JSON.parse(message) as unknown[]).filter((id): id is string => typeof id === 'string');
    deletedListeners.emit(ids);
  });
  return {
    instanceId: settings.instanceId,
    leaseMs: settings.leaseMs,
    redis,
    leases: new Leases(redis, settings.instanceId, settings.leaseMs),
    stats,
    admission: new ClusterAdmission(redis, settings.instanceId, options.maxOpenTasks),
    socketBudget: new ClusterConnectionBudget(redis, settings.instanceId, options.maxSocketsPerClient),
    control,
    watched: new WatchedStories(redis, logs),
    adapter: createAdapter(adapterPub, adapterSub, { key: 'sf:socket.io' }),
    rateLimitStore: (prefix: string) =>
      new RedisStore({
        prefix: `${KEYS.rateLimit}${prefix}:`,
        sendCommand: (command: string, ...args: string[]) => redis.call(command, ...args) as never,
      }),
    announceDeleted: async (ids: string[]) => {
      await redis.publish(KEYS.deleted, JSON.stringify(ids));
    },
    onDeleted: (listener: (ids: string[]) => void) => deletedListeners.add(listener),
    setPaused: (state: ProcessingDto) => control.set(state),
    async leave(): Promise<void> {
      stats.stop();
      await Promise.allSettled([redis.quit(), subscriber.quit(), adapterPub.quit(), adapterSub.quit()]);
    },
  };
}

export type ClusterNode = Awaited<ReturnType<typeof joinCluster>>;
export type { Redis };
