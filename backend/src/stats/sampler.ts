import type { Clock } from '../shared/clock.js';
import { Listeners } from '../shared/listeners.js';
import type { MeasuredSecond } from './second.js';

/** Delay from `now` to the next whole second, so seconds line up with wall-clock seconds. */
export function msUntilNextSecond(now: number): number {
  return 1000 - (now % 1000);
}

/** At every whole second, reads this instance's second and tells listeners, in one event. */
export class StatsSampler {
  private readonly listeners = new Listeners<[MeasuredSecond]>();
  private timer: unknown;

  constructor(
    private readonly meter: { read(t: number): MeasuredSecond },
    private readonly clock: Clock,
  ) {}

  onSecond(listener: (second: MeasuredSecond) => void): () => void {
    return this.listeners.add(listener);
  }

  start(): void {
    // What happened before the start belongs to no second.
    this.meter.read(0);
    this.schedule();
  }

  stop(): void {
    this.clock.clearTimeout(this.timer);
  }

  /** Reads the second that ends at `secondEnd`. */
  tick(secondEnd: number): MeasuredSecond {
    const second = this.meter.read(secondEnd - 1000);
    this.listeners.emit(second);
    return second;
  }

  private schedule(previous?: number): void {
    const now = this.clock.now();
    // Timers may fire a little early or late: a second is named by the boundary it was set for,
    // and the next boundary is always a later one.
    const boundary = Math.max(now + msUntilNextSecond(now), previous === undefined ? 0 : previous + 1000);
    this.timer = this.clock.setTimeout(() => {
      this.tick(boundary);
      this.schedule(boundary);
    }, boundary - now);
  }
}
