import type { Logger } from '../logger.js';
import type { Clock } from '../shared/clock.js';
import { Periodic } from '../shared/periodic.js';

export interface RetentionOptions {
  /** Removes up to `batch` Done stories, completed before `cutoff` if given (else the oldest); returns how many. */
  purge: (cutoff: Date | undefined, batch: number) => Promise<number>;
  /** Done stories completed longer ago are purged; 0: no age limit. */
  retentionMs: number;
  /** At most this many Done tasks stay stored (the oldest stories go first); 0: no size limit. */
  maxDoneTasks: number;
  storedDoneTasks: () => number;
  sweepMs: number;
  clock: Clock;
  logger: Logger;
  batch?: number;
}

/**
 * Purges Done stories by age and, in the in-memory mode, by size (whose database holds everything in
 * memory and scans the collection on every write), a batch at a time until within both bounds.
 */
export class RetentionSweeper {
  private readonly loop: Periodic;
  private stopped = false;

  constructor(private readonly options: RetentionOptions) {
    this.loop = new Periodic(() => this.sweep(), options.sweepMs, options.clock);
  }

  get enabled(): boolean {
    return this.options.retentionMs > 0 || this.options.maxDoneTasks > 0;
  }

  start(): void {
    if (this.enabled) this.loop.start();
  }

  /** Sweeps now (the stored Done tasks are over their bound and hold back new work). */
  kick(): void {
    if (this.enabled) this.loop.runNow();
  }

  async sweep(): Promise<number> {
    const batch = this.options.batch ?? 500;
    let total = 0;
    try {
      if (this.options.retentionMs > 0) {
        for (;;) {
          const n = await this.options.purge(new Date(this.options.clock.now() - this.options.retentionMs), batch);
          total += n;
          if (n < batch || this.stopped) break;
        }
      }
      while (this.options.maxDoneTasks > 0 && this.options.storedDoneTasks() > this.options.maxDoneTasks && !this.stopped) {
        const n = await this.options.purge(undefined, Math.min(batch, 100));
        total += n;
        if (n === 0) break;
      }
      if (total) this.options.logger.debug({ purged: total }, 'retention purged Done stories');
    } catch (error) {
      this.options.logger.error({ err: error }, 'retention sweep failed; will retry');
    }
    return total;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop.stop();
  }
}
