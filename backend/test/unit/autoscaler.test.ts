import { describe, expect, it } from '@jest/globals';
import {
  clampSize,
  DEFAULT_AUTOSCALER,
  decidePoolSize,
  initialAutoscalerState,
  reserveOf,
  sizeWithReserve,
  targetSize,
  type AutoscalerConfig,
  type AutoscalerState,
} from '../../src/processing/autoscaler.js';

const config: AutoscalerConfig = { min: 4, max: 1000, targetWaitMs: 200, shrinkCooldownMs: 5000, ...DEFAULT_AUTOSCALER };

/** Steps the autoscaler every `interval` ms with the given load, from `state`; returns every state. */
function run(
  state: AutoscalerState,
  from: number,
  to: number,
  interval: number,
  load: (now: number) => { backlogWorkMs: number; arrivedWorkMs: number },
): AutoscalerState[] {
  const states: AutoscalerState[] = [];
  for (let now = from; now <= to; now += interval) {
    state = decidePoolSize(config, state, { now, ...load(now) });
    states.push(state);
  }
  return states;
}

const idle = () => ({ backlogWorkMs: 0, arrivedWorkMs: 0 });

/** A state at `size` with no offered load, as if last decided at `lastAt`. */
const at = (size: number, lastAt = 0): AutoscalerState => ({ size, lastAt, offeredLoad: 0, lowSince: null });

describe('clampSize / targetSize', () => {
  it('clamps to [min, max] and rounds up', () => {
    expect(clampSize(config, 0)).toBe(4);
    expect(clampSize(config, -5)).toBe(4);
    expect(clampSize(config, 10.01)).toBe(11);
    expect(clampSize(config, 10)).toBe(10);
    expect(clampSize(config, 5000)).toBe(1000);
  });

  it('adds headroom to the offered load and the workers needed to drain the backlog within the target wait, then the reserve', () => {
    // 8 busy workers × 1.25 = 10, plus 4000 ms of backlog / 200 ms = 20; a pool of 32 keeps 2 in reserve.
    expect(targetSize(config, 8, 4000)).toBe(30 + 2);
    expect(targetSize(config, 0, 0)).toBe(config.min);
    expect(targetSize(config, 0, 10_000_000)).toBe(config.max);
    // Never more than one worker per waiting task for the backlog's share.
    expect(targetSize(config, 0, 10_000_000, 50)).toBe(50 + 3);
    expect(targetSize(config, 8, 4000, 5)).toBe(15 + 1);
  });

  it('counts the workers busy now when the smoothed load says fewer: what waits needs workers of its own', () => {
    // The smoothed rate says 2 (× 1.25), yet 30 are busy with long tasks and 3 tasks wait.
    expect(targetSize(config, 2, 3 * 1234, 3, 30)).toBe(33 + 2);
    // Busy below the offered load changes nothing.
    expect(targetSize(config, 8, 4000, Infinity, 5)).toBe(targetSize(config, 8, 4000));
  });

  it('sizes the reserve on top: the workers outside it are at least what the load needs', () => {
    for (const fraction of [0, 0.05, 0.1, 0.5])
      for (let needed = 0; needed <= 2000; needed++) {
        const size = sizeWithReserve(needed, fraction);
        expect(size - reserveOf(size, fraction)).toBeGreaterThanOrEqual(needed);
        // And it is the smallest such pool.
        if (size > 0) expect(size - 1 - reserveOf(size - 1, fraction)).toBeLessThan(needed);
      }
    expect(reserveOf(1, 0.05)).toBe(0);
    expect(reserveOf(2, 0.05)).toBe(1);
    expect(reserveOf(100, 0.05)).toBe(5);
  });
});

describe('decidePoolSize', () => {
  it('starts at the minimum with no load', () => {
    const s0 = initialAutoscalerState(config);
    expect(s0).toEqual({ size: 4, lastAt: null, offeredLoad: 0, lowSince: null });
    const s1 = decidePoolSize(config, s0, { now: 1000, backlogWorkMs: 0, arrivedWorkMs: 0 });
    expect(s1.size).toBe(4);
    expect(s1.lastAt).toBe(1000);
  });

  it('grows at once to the target in a single decision', () => {
    const s = decidePoolSize(config, at(4), { now: 250, backlogWorkMs: 50 * 200, arrivedWorkMs: 0 });
    expect(s.size).toBe(50 + 3);
    expect(s.lowSince).toBeNull();
  });

  it('clamps growth to max and never goes below min', () => {
    const big = decidePoolSize(config, at(4), { now: 250, backlogWorkMs: 10_000_000, arrivedWorkMs: 10_000_000 });
    expect(big.size).toBe(1000);
    const none = decidePoolSize(config, initialAutoscalerState(config), { now: 0, backlogWorkMs: 0, arrivedWorkMs: 0 });
    expect(none.size).toBe(4);
  });

  it('does not shrink before the cool-down of continuously lower demand, then shrinks gradually to the target', () => {
    const states = run(at(100), 250, 30_000, 250, idle);
    // Demand went low at the first decision (t = 250): the size holds until t = 250 + 5000.
    const firstShrinkIndex = states.findIndex((s) => s.size < 100);
    const firstShrink = states[firstShrinkIndex]!;
    expect(firstShrink.lastAt).toBe(250 + config.shrinkCooldownMs);
    expect(states.slice(0, firstShrinkIndex).every((s) => s.size === 100)).toBe(true);
    expect(states[0]!.lowSince).toBe(250);
    // Gradual: the first step closes a fifth of the gap (96 × 0.2 → 19), not all of it.
    expect(firstShrink.size).toBe(81);
    // Monotone, never below the target (the minimum here), and it does get there.
    const sizes = states.map((s) => s.size);
    for (let i = 1; i < sizes.length; i++) expect(sizes[i]!).toBeLessThanOrEqual(sizes[i - 1]!);
    expect(Math.min(...sizes)).toBe(config.min);
    expect(sizes.at(-1)).toBe(config.min);
    // More than one step between 100 and the minimum.
    expect(sizes.filter((n) => n < 100 && n > config.min).length).toBeGreaterThan(3);
  });

  it('shrinks by at least one worker per decision and never below a target just under the size', () => {
    // Backlog calls for 48 workers (51 with the reserve); the pool has 53.
    const states = run(at(53), 250, 10_000, 250, () => ({ backlogWorkMs: 48 * 200, arrivedWorkMs: 0 }));
    const sizes = states.map((s) => s.size);
    expect(sizes.filter((n) => n === 52).length).toBe(1);
    expect(Math.min(...sizes)).toBe(51);
    expect(sizes.at(-1)).toBe(51);
  });

  it('a demand spike during the cool-down resets it', () => {
    let s = at(100);
    s = decidePoolSize(config, s, { now: 1000, ...idle() }); // low since 1000
    s = decidePoolSize(config, s, { now: 4000, ...idle() });
    expect(s.lowSince).toBe(1000);
    // Spike: backlog needs the whole pool again (95 workers and 5 in reserve).
    s = decidePoolSize(config, s, { now: 4250, backlogWorkMs: 95 * 200, arrivedWorkMs: 0 });
    expect(s.size).toBe(100);
    expect(s.lowSince).toBeNull();
    // Low again from 4500: 1000 + 5000 has passed, yet no shrink until 4500 + 5000.
    const states = run(s, 4500, 12_000, 250, idle);
    const firstShrink = states.find((x) => x.size < 100);
    expect(states[0]!.lowSince).toBe(4500);
    expect(firstShrink?.lastAt).toBe(9500);
  });

  it('smooths the arrival rate exponentially, consistently over uneven intervals', () => {
    // Constant offered load of 10 busy workers (10 worker-ms per ms), observed over uneven intervals.
    const rate = 10;
    const times = [0, 100, 350, 360, 1200, 1500, 3000];
    let uneven = at(4, 0);
    for (const now of times.slice(1)) {
      const elapsed = now - uneven.lastAt!;
      uneven = decidePoolSize(config, uneven, { now, backlogWorkMs: 0, arrivedWorkMs: rate * elapsed });
    }
    const single = decidePoolSize(config, at(4, 0), { now: 3000, backlogWorkMs: 0, arrivedWorkMs: rate * 3000 });
    const expected = rate * (1 - Math.exp(-3000 / config.smoothingMs));
    expect(uneven.offeredLoad).toBeCloseTo(expected, 9);
    expect(single.offeredLoad).toBeCloseTo(expected, 9);
  });

  it('converges to the offered load (with headroom) and decays when arrivals stop', () => {
    const rate = 10;
    const busy = run(at(4, 0), 250, 30_000, 250, () => ({ backlogWorkMs: 0, arrivedWorkMs: rate * 250 }));
    const last = busy.at(-1)!;
    expect(last.offeredLoad).toBeCloseTo(rate, 3);
    expect(last.size).toBe(Math.ceil(rate * config.headroom) + 1);
    const quiet = run(last, 30_250, 60_000, 250, idle);
    expect(quiet.at(-1)!.offeredLoad).toBeLessThan(0.01);
    expect(quiet.at(-1)!.size).toBe(config.min);
  });

  it('is safe with zero (or negative) elapsed time: no NaN, load unchanged', () => {
    const s = { ...at(20, 1000), offeredLoad: 5 };
    const same = decidePoolSize(config, s, { now: 1000, backlogWorkMs: 0, arrivedWorkMs: 500 });
    expect(same.offeredLoad).toBe(5);
    expect(Number.isFinite(same.size)).toBe(true);
    const back = decidePoolSize(config, s, { now: 900, backlogWorkMs: 0, arrivedWorkMs: 500 });
    expect(back.offeredLoad).toBe(5);
    expect(Number.isNaN(back.size)).toBe(false);
  });

  it('does not mutate the state it is given', () => {
    const s = at(100, 0);
    const copy = { ...s };
    decidePoolSize(config, s, { now: 250, backlogWorkMs: 0, arrivedWorkMs: 0 });
    decidePoolSize(config, s, { now: 250, backlogWorkMs: 1_000_000, arrivedWorkMs: 0 });
    expect(s).toEqual(copy);
  });
});
