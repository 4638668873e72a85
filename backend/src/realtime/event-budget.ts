/** What one connection may send: events per second sustained, and how many at once above that. */
export interface EventBudgetLimits {
  /** 0 turns the budget off (every event is accepted). */
  perSec: number;
  burst: number;
}

/** accept: handle it; drop: ignore it (over budget); flood: over budget for long, close the connection. */
export type EventVerdict = 'accept' | 'drop' | 'flood';

/** A second counts as flooding when it brings more than this many times what the budget accepts in a second. */
const FLOOD_FACTOR = 2;
/** Flooding seconds in a row that close the connection. */
const FLOOD_SECONDS = 2;
/** This many times the flood level in one second floods at once: undroppable frames must not get a free second per reconnect. */
const FLOOD_AT_ONCE_FACTOR = 10;

/**
 * One connection's frame budget, pure (the caller passes the time): a token bucket of `burst` refilled at `perSec`; a frame
 * without a token is dropped. Over FLOOD_FACTOR × (`burst + perSec`) for FLOOD_SECONDS in a row is a flood: the caller closes it.
 */
export class EventBudget {
  private tokens: number;
  private refilledAt: number;
  private windowStart: number;
  private inWindow = 0;
  private floodingWindows = 0;
  private readonly floodLevel: number;
  private readonly floodAtOnce: number;

  constructor(
    private readonly limits: EventBudgetLimits,
    now: number,
  ) {
    this.tokens = limits.burst;
    this.refilledAt = now;
    this.windowStart = now;
    this.floodLevel = FLOOD_FACTOR * (limits.burst + limits.perSec);
    this.floodAtOnce = FLOOD_AT_ONCE_FACTOR * this.floodLevel;
  }

  take(now: number): EventVerdict {
    if (this.limits.perSec <= 0) return 'accept';
    this.countWindow(now);
    if (++this.inWindow > this.floodLevel && (this.floodingWindows >= FLOOD_SECONDS - 1 || this.inWindow > this.floodAtOnce))
      return 'flood';
    this.tokens = Math.min(this.limits.burst, this.tokens + (Math.max(0, now - this.refilledAt) * this.limits.perSec) / 1000);
    this.refilledAt = now;
    if (this.tokens < 1) return 'drop';
    this.tokens -= 1;
    return 'accept';
  }

  private countWindow(now: number): void {
    const elapsed = Math.floor((now - this.windowStart) / 1000);
    if (elapsed <= 0) return;
    // The window that ended floods or not; any whole second after it without events did not.
    this.floodingWindows = elapsed === 1 && this.inWindow > this.floodLevel ? this.floodingWindows + 1 : 0;
    this.windowStart += elapsed * 1000;
    this.inWindow = 0;
  }
}
