import type { Connection } from 'mongoose';
import type { Logger } from '../logger.js';
import type { Clock } from '../shared/clock.js';
import { Listeners } from '../shared/listeners.js';

/**
 * Pings the database every second with a short deadline. A refused connection and a hung server (one
 * that accepts bytes but never answers) both turn it unavailable within the deadline, so /api/health
 * says so and requests fail fast with 503 instead of each waiting for its own timeout; the first ping
 * answered turns it available again.
 */
export class DatabaseHealth {
  private ok = true;
  private since: number;
  private timer: unknown;
  private stopped = false;
  private readonly listeners = new Listeners<[available: boolean]>();

  constructor(
    private readonly connection: Connection,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly deadlineMs: number,
    private readonly intervalMs = 1000,
  ) {
    this.since = clock.now();
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
      this.timer = this.clock.setTimeout(() => {
        void this.check().finally(() => !this.stopped && loop());
      }, this.intervalMs);
    };
    loop();
  }

  stop(): void {
    this.stopped = true;
    this.clock.clearTimeout(this.timer);
  }

  async check(): Promise<boolean> {
    const db = this.connection.db;
    let ok = false;
    try {
      if (db) {
        let timer: unknown;
        const deadline = new Promise<never>((_, reject) => {
          timer = this.clock.setTimeout(() => reject(new Error('ping timed out')), this.deadlineMs);
        });
        const ping = db.command({ ping: 1 });
        ping.catch(() => undefined);
        try {
          await Promise.race([ping, deadline]);
        } finally {
          this.clock.clearTimeout(timer);
        }
        ok = true;
      }
    } catch {
      ok = false;
    }
    if (ok !== this.ok && !this.stopped) {
      this.ok = ok;
      this.since = this.clock.now();
      if (ok) this.logger.info('database answers again');
      else this.logger.error({ deadlineMs: this.deadlineMs }, 'database did not answer a ping in time: reporting it unavailable');
      this.listeners.emit(ok);
    }
    return ok;
  }
}
