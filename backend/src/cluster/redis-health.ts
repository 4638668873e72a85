import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import type { Clock } from '../shared/clock.js';
import { Listeners } from '../shared/listeners.js';

/**
 * Whether Redis answers, from this instance: a PING every `intervalMs` with a `deadlineMs` deadline, and
 * the connection's own events (a closed connection is unavailable at once; a frozen server, one that
 * accepts bytes but never answers, within interval + deadline). The first ping answered after that turns
 * it available again. /api/health reports it, and calls on a request's path fail at once while it is down.
 */
export class RedisHealth {
  private ok = true;
  private since: number;
  private timer: unknown;
  private stopped = false;
  private readonly listeners = new Listeners<[available: boolean]>();

  constructor(
    private readonly redis: Redis,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly deadlineMs = 1000,
    private readonly intervalMs = 500,
  ) {
    this.since = clock.now();
    redis.on('close', () => this.set(false));
    redis.on('ready', () => void this.check());
  }

  get available(): boolean {
    return this.ok;
  }

  /** Since when the current state holds (epoch ms). */
  get stateSince(): number {
    return this.since;
  }

  onChange(listener: (available: boolean) => void): () => void {
    return this.listeners.add(listener);
  }

  start(): void {
    const loop = () => {
      this.timer = this.clock.setTimeout(() => void this.check().finally(() => !this.stopped && loop()), this.intervalMs);
    };
    loop();
  }

  stop(): void {
    this.stopped = true;
    this.clock.clearTimeout(this.timer);
  }

  async check(): Promise<boolean> {
    let timer: unknown;
    const deadline = new Promise<never>((_, reject) => {
      timer = this.clock.setTimeout(() => reject(new Error('ping timed out')), this.deadlineMs);
    });
    const ping = this.redis.ping();
    ping.catch(() => undefined);
    try {
      await Promise.race([ping, deadline]);
      this.set(true);
    } catch {
      this.set(false);
    } finally {
      this.clock.clearTimeout(timer);
    }
    return this.ok;
  }

  private set(ok: boolean): void {
    if (ok === this.ok || this.stopped) return;
    this.ok = ok;
    this.since = this.clock.now();
    if (ok) this.logger.info('redis answers again');
    else this.logger.error({ deadlineMs: this.deadlineMs }, 'redis unavailable: creates and pause refused (503), limits counted locally');
    this.listeners.emit(ok);
  }
}
