import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import type { Clock } from '../shared/clock.js';
import { HealthProbe } from '../shared/health-probe.js';

/**
 * Whether Redis answers, from this instance: a PING every 500 ms with a 1 s deadline (see HealthProbe), and
 * the connection's own events: a closed connection is unavailable at once, a frozen server within ~1.5 s.
 * /api/health reports it, and calls on a request's path fail at once while it is down (RedisGate).
 */
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
