import type { Clock } from './clock.js';

/** Runs an async job every `intervalMs`, never two at once; `stop` waits for the one running. */
export class Periodic {
  private timer: unknown;
  private stopped = false;
  private running: Promise<unknown> = Promise.resolve();
  private busy = false;

  constructor(
    private readonly job: () => Promise<unknown>,
    private readonly intervalMs: number,
    private readonly clock: Clock,
  ) {}

  start(): void {
    this.timer = this.clock.setTimeout(() => this.run(), this.intervalMs);
  }

  /** Runs the job now instead of at the next interval, unless it is running already. */
  runNow(): void {
    if (this.busy || this.stopped) return;
    this.clock.clearTimeout(this.timer);
    this.run();
  }

  private run(): void {
    this.busy = true;
    this.running = this.job()
      .catch(() => undefined)
      .finally(() => {
        this.busy = false;
        if (!this.stopped) this.start();
      });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.clock.clearTimeout(this.timer);
    await this.running;
  }
}
