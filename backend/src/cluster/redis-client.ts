import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';

/** A Redis connection whose commands fail fast while Redis is unreachable (no offline queue, a deadline); it reconnects itself. */
export async function connectRedis(url: string, logger: Logger, name: string): Promise<Redis> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectionName: `storyflow-${name}`,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    commandTimeout: 3000,
    connectTimeout: 5000,
    // Back within a second of Redis's return (a restarted Redis is found by the next attempt).
    retryStrategy: (times) => Math.min(times * 100, 1000),
  });
  let down = false;
  redis.on('error', (error) => {
    if (!down) logger.error({ err: error, connection: name }, 'redis connection error');
    down = true;
  });
  redis.on('ready', () => {
    if (down) logger.info({ connection: name }, 'redis reachable again');
    down = false;
  });
  await redis.connect();
  return redis;
}

/** The adapter publishes without awaiting: Redis away, a publish fails quietly (logged); other instances miss that emit. */
export function publishingQuietly(redis: Redis, logger: Logger): Redis {
  return new Proxy(redis, {
    get(target, key) {
      if (key === 'publish')
        return (...args: Parameters<Redis['publish']>) =>
          target.publish(...args).catch((error: unknown) => {
            logger.debug({ err: error }, 'socket event not relayed to the other instances');
            return 0;
          });
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
