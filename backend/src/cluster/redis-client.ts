import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';

/**
 * A Redis connection for cluster coordination. Commands fail fast while Redis is unreachable (no
 * offline queue, a command deadline) so a request never hangs on it; the client reconnects by itself.
 */
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

/**
 * The Socket.IO adapter publishes without awaiting: while Redis is away each publish would be an unhandled
 * rejection. Such an emit still reaches this instance's own sockets; the others miss it (a progress event).
 */
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
