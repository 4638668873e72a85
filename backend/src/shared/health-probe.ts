import type { Clock } from './clock.js';
import { withDeadline } from './deadline.js';
import { Listeners } from './listeners.js';

export interface ProbeTiming {
  /** Pause between one ping's end and the next. */
  intervalMs: number;
  /** A ping not answered within this is a failure (a hung peer accepts bytes and never answers). */
  deadlineMs: number;
}

/** Whether a dependency answers: a ping every `intervalMs`, failed after `deadlineMs` (refused or hung alike); `onChange` hears it. */
export class HealthProbe {
  private ok = true;
  private since: number;
  private timer: unknown;
  private stopped = false;
  private readonly listeners = new Listeners<[available: boolean]>();

  constructor(
    private readonly ping: () => Promise<unknown>,
    private readonly clock: Clock,
    private readonly timing: ProbeTiming,
    private readonly report: (available: boolean) => void,
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
      this.timer = this.clock.setTimeout(() => void this.check().finally(() => !this.stopped && loop()), this.timing.intervalMs);
    };
    loop();
  }

  stop(): void {
    this.stopped = true;
    this.clock.clearTimeout(this.timer);
  }

  async check(): Promise<boolean> {
    try {
      await withDeadline(this.ping(), this.timing.deadlineMs, () => new Error('ping timed out'), this.clock);
      this.set(true);
    } catch {
      this.set(false);
    }
    return this.ok;
  }

  /** Known unavailable without a ping (its connection closed). */
  set(ok: boolean): void {
    if (ok === this.ok || this.stopped) return;
    this.ok = ok;
    this.since = this.clock.now();
    this.report(ok);
    this.listeners.emit(ok);
  }
}
