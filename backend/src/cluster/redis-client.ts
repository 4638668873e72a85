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
    retryStrategy: (times) => Math.min(times * 200, 2000),
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
