import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import type { Clock } from '../shared/clock.js';
import { HealthProbe } from '../shared/health-probe.js';

/** Whether Redis answers from here: a PING every 500 ms (1 s deadline) and the connection's events (closed: away at once). */
export class RedisHealth extends HealthProbe {
  constructor(redis: Redis, clock: Clock, logger: Logger, deadlineMs = 1000, intervalMs = 500) {
    super(
      () => redis.ping(),
      clock,
      { intervalMs, deadlineMs },
      (ok) =>
        ok
          ? logger.info('redis answers again')
          : logger.error({ deadlineMs }, 'redis unavailable: creates and pause refused (503), limits counted locally'),
    );
    redis.on('close', () => this.set(false));
    redis.on('ready', () => void this.check());
  }
}
