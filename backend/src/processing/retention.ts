import type { Logger } from '../logger.js';
import type { Clock } from '../shared/clock.js';

/** Purges Done stories older than the retention period, a batch per sweep until none are left. */
export class RetentionSweeper {
  private timer: unknown;
  private stopped = false;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly purge: (cutoff: Date) => Promise<number>,
    private readonly retentionMs: number,
    private readonly sweepMs: number,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly batch = 500,
  ) {}

  start(): void {
    const loop = () => {
      this.timer = this.clock.setTimeout(() => {
        this.running = this.sweep().finally(() => !this.stopped && loop());
      }, this.sweepMs);
    };
    loop();
  }

  async sweep(): Promise<number> {
    let total = 0;
    try {
      for (;;) {
        const n = await this.purge(new Date(this.clock.now() - this.retentionMs));
        total += n;
        if (n < this.batch || this.stopped) break;
      }
      if (total) this.logger.debug({ purged: total }, 'retention purged Done stories');
    } catch (error) {
      this.logger.error({ err: error }, 'retention sweep failed; will retry');
    }
    return total;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.clock.clearTimeout(this.timer);
    await this.running;
  }
}
