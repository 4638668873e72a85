import { describe, expect, it } from '@jest/globals';
import { EventBudget, type EventVerdict } from '../../src/realtime/event-budget.js';

const limits = { perSec: 20, burst: 40 };

/** `count` events spread evenly over [from, from + ms); the verdicts tallied. */
function send(budget: EventBudget, from: number, ms: number, count: number) {
  const tally: Record<EventVerdict, number> = { accept: 0, drop: 0, flood: 0 };
  for (let i = 0; i < count; i++) tally[budget.take(from + (i * ms) / count)]++;
  return tally;
}

describe('EventBudget', () => {
  it('accepts a burst, then the rate, and drops the rest', () => {
    const budget = new EventBudget(limits, 0);
    expect(send(budget, 0, 1, 50)).toEqual({ accept: 40, drop: 10, flood: 0 });
    // Empty bucket: 20 tokens come back in the next second (19 by its last event).
    expect(send(budget, 1, 1000, 100)).toEqual({ accept: 19, drop: 81, flood: 0 });
    // A quiet while refills it to the burst, no more.
    expect(send(budget, 60_000, 1, 45)).toEqual({ accept: 40, drop: 5, flood: 0 });
  });

  it('lets a client at its rate run forever', () => {
    const budget = new EventBudget(limits, 0);
    expect(send(budget, 0, 600_000, 20 * 600)).toEqual({ accept: 12_000, drop: 0, flood: 0 });
  });

  it('only drops a steady excess below the flood level, and a one-second burst up to ten times it', () => {
    const steady = new EventBudget(limits, 0);
    // 110 a second: over budget (60 at most in a second) but not over twice that (120).
    const tally = send(steady, 0, 10_000, 1100);
    expect(tally.flood).toBe(0);
    expect(tally.accept).toBeGreaterThanOrEqual(40 + 199);
    expect(tally.accept).toBeLessThanOrEqual(40 + 200);

    const burst = new EventBudget(limits, 0);
    expect(send(burst, 0, 900, 1200).flood).toBe(0);
    expect(send(burst, 2000, 10_000, 100).flood).toBe(0);
  });

  it('calls ten times the flood level within a second a flood at once', () => {
    const budget = new EventBudget(limits, 0);
    const verdicts = [...Array(1300).keys()].map((i) => budget.take(i / 10));
    expect(verdicts.indexOf('flood')).toBe(1200);
    expect(verdicts.slice(1200).every((v) => v === 'flood')).toBe(true);
  });

  it('calls a flood a flood once it lasts a second flooding second in a row', () => {
    const budget = new EventBudget(limits, 0);
    expect(send(budget, 0, 1000, 1000).flood).toBe(0);
    // Second flooding second: the verdict turns once it passes the flood level (120) in it.
    const second = [...Array(200).keys()].map((i) => budget.take(1000 + i));
    expect(second.indexOf('flood')).toBe(120);
    expect(second.slice(120).every((v) => v === 'flood')).toBe(true);
  });

  it('forgets flooding seconds after a quiet second', () => {
    const budget = new EventBudget(limits, 0);
    expect(send(budget, 0, 1000, 500).flood).toBe(0);
    // 1 s – 2 s: nothing; 2 s – 3 s: a flood again counts as its first flooding second.
    expect(send(budget, 2000, 1000, 500).flood).toBe(0);
    expect(send(budget, 3000, 1000, 500).flood).toBeGreaterThan(0);
  });

  it('is off at 0 events per second', () => {
    const budget = new EventBudget({ perSec: 0, burst: 1 }, 0);
    expect(send(budget, 0, 3000, 100_000)).toEqual({ accept: 100_000, drop: 0, flood: 0 });
  });

  it('does not mint tokens when the clock steps back', () => {
    const budget = new EventBudget(limits, 10_000);
    expect(send(budget, 10_000, 1, 40).accept).toBe(40);
    expect(budget.take(5_000)).toBe('drop');
  });
});
