/** Exponential backoff, pure: `initialMs` after a failure, doubling to `maxMs`, reset by a success. */
export class Backoff {
  private delayMs = 0;
  private notBefore = 0;

  constructor(
    private readonly initialMs: number,
    private readonly maxMs: number,
  ) {}

  /** Whether an attempt may go now. */
  ready(now: number): boolean {
    return now >= this.notBefore;
  }

  /** When the next attempt may go (epoch ms; in the past when ready). */
  get readyAt(): number {
    return this.notBefore;
  }

  /** How long the last failure made it wait (0 while succeeding). */
  get currentDelayMs(): number {
    return this.delayMs;
  }

  failed(now: number): void {
    this.delayMs = this.delayMs === 0 ? this.initialMs : Math.min(this.maxMs, this.delayMs * 2);
    this.notBefore = now + this.delayMs;
  }

  succeeded(): void {
    this.delayMs = 0;
    this.notBefore = 0;
  }
}
