import type { Clock } from '../../src/shared/clock.js';

interface Timer {
  id: number;
  at: number;
  seq: number;
  fn: () => void;
}

/**
 * A deterministic Clock: time moves only through `advanceTo`/`advanceBy`, which run due timers in
 * (due time, creation order), each with `now()` equal to its due time. Timers are kept in a binary
 * heap so simulations with hundreds of thousands of timers stay fast.
 */
export class FakeClock implements Clock {
  private time: number;
  private seq = 0;
  private heap: Timer[] = [];
  private readonly live = new Set<number>();
  /** Added to every delay passed to setTimeout: models a timer that fires early (<0) or late (>0). */
  jitter: () => number = () => 0;

  constructor(start = 0) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  get pendingTimers(): number {
    return this.live.size;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    const at = this.time + Math.max(0, ms + this.jitter());
    this.live.add(id);
    this.pushHeap({ id, at, seq: id, fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    if (typeof handle === 'number') this.live.delete(handle);
  }

  advanceBy(ms: number): void {
    this.advanceTo(this.time + ms);
  }

  /** Runs every timer due at or before `target` (including ones those timers set), then sets the time to `target`. */
  advanceTo(target: number): void {
    for (;;) {
      const top = this.heap[0];
      if (!top || top.at > target) break;
      this.popHeap();
      if (!this.live.delete(top.id)) continue;
      this.time = Math.max(this.time, top.at);
      top.fn();
    }
    this.time = Math.max(this.time, target);
  }

  private less(a: Timer, b: Timer): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private pushHeap(t: Timer): void {
    const h = this.heap;
    h.push(t);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private popHeap(): void {
    const h = this.heap;
    const last = h.pop();
    if (!last || h.length === 0) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
      if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
}
