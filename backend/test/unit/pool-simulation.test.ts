import { describe, expect, it } from '@jest/globals';
import { randomInt, type Random } from '../../src/shared/clock.js';
import { percentile, seededRandom } from '@storyflow/test-support';
import { DECIDE_EVERY_MS, PoolSimulation, simulatedAutoscaler as config } from '../support/pool-simulation.js';

/**
 * The real Processor on a fake clock (see PoolSimulation), fed the reference workload of the original
 * client: a story every 50–100 ms, 20–80 tasks of 10–20 ms each.
 */
class Simulation extends PoolSimulation {
  constructor(
    private readonly random: Random,
    autoscaler = config(),
  ) {
    super(autoscaler);
  }

  /** One story of the reference shape arrives now. */
  arriveReference(): void {
    this.arrive(Array.from({ length: randomInt(this.random, 20, 80) }, () => randomInt(this.random, 10, 20)));
  }

  /** A story every 50–100 ms from now until `until`. */
  arriveSteadily(until: number): void {
    const next = () => {
      if (this.clock.now() >= until) return;
      this.arriveReference();
      this.clock.setTimeout(next, randomInt(this.random, 50, 100));
    };
    next();
  }
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

async function runReference(seed: number, autoscaler = config()) {
  const sim = new Simulation(seededRandom(seed), autoscaler);
  sim.arriveSteadily(120_000);
  await sim.runUntil(120_000);
  // The last 60 s.
  const late = sim.samples.filter((d) => d.at >= 60_000);
  const sizes = late.map((d) => d.size);
  return {
    sim,
    meanSize: mean(sizes),
    maxSize: Math.max(...sizes),
    minSize: Math.min(...sizes),
    meanBusy: mean(late.map((d) => d.busy)),
    maxBacklogTasks: Math.max(...late.map((d) => d.backlogTasks)),
    p50: percentile(sim.latencies, 50),
    p99: percentile(sim.latencies, 99),
    finished: sim.latencies.length,
  };
}

function expectSettled(r: Awaited<ReturnType<typeof runReference>>) {
  // The workload is what it claims: ~13.3 stories/s keeping ~10 workers busy.
  expect(r.finished).toBeGreaterThan(1450);
  expect(r.finished).toBeLessThan(1750);
  expect(r.meanBusy).toBeGreaterThan(8);
  expect(r.meanBusy).toBeLessThan(13);
  // Latency first: room for the largest story's tasks (80) side by side plus the offered load, so a
  // story takes about its longest task; yet far below POOL_MAX.
  expect(r.meanSize).toBeGreaterThanOrEqual(60);
  expect(r.meanSize).toBeLessThanOrEqual(120);
  expect(r.maxSize).toBeLessThanOrEqual(130);
  expect(r.minSize).toBeGreaterThanOrEqual(20);
  // Nothing waits: stories finish in their longest task (≤ 20 ms; the store here commits instantly).
  expect(r.maxBacklogTasks).toBe(0);
  expect(r.sim.unfinishedStories).toBeLessThanOrEqual(3);
  expect(r.p50).toBeLessThanOrEqual(20);
  expect(r.p99).toBeLessThanOrEqual(21);
}

describe('pool simulation (the real Processor on a fake clock)', () => {
  it('the pool settles near what the reference load needs, not at POOL_MAX', async () => {
    expectSettled(await runReference(20240601));
  });

  it('settles the same way for other seeds', async () => {
    for (const seed of [1, 2, 3]) expectSettled(await runReference(seed));
  });

  it('shrinks back to POOL_MIN once the load stops', async () => {
    const r = await runReference(5);
    await r.sim.runUntil(160_000);
    expect(r.sim.processor.load.poolSize).toBe(r.sim.autoscaler.min);
  });

  it('control: a pool fixed at POOL_MIN cannot keep up with the reference load', async () => {
    const r = await runReference(20240601, config({ min: 4, max: 4 }));
    expect(r.sim.processor.load.poolSize).toBe(4);
    expect(r.maxBacklogTasks).toBeGreaterThan(100 * 50);
    expect(r.sim.unfinishedStories).toBeGreaterThan(100);
  });

  it('a burst of 1,000 stories grows the pool at once, then it shrinks back to POOL_MIN only after the cool-down', async () => {
    const autoscaler = config();
    const sim = new Simulation(seededRandom(7), autoscaler);
    await sim.runUntil(1_100);
    expect(sim.processor.load.poolSize).toBe(autoscaler.min);
    for (let i = 0; i < 1000; i++) sim.arriveReference();
    // Grows on arrival, not at the next decision.
    expect(sim.processor.load.poolSize).toBe(autoscaler.max);
    let drainedAt = -1;
    while (sim.clock.now() < 60_000) {
      await sim.runUntil(sim.clock.now() + 1);
      if (drainedAt < 0 && sim.unfinishedStories === 0) drainedAt = sim.clock.now();
    }
    // 1,000 stories (~750 s of work) drain in a few seconds at that size.
    expect(drainedAt).toBeGreaterThan(1_100);
    expect(drainedAt - 1_100).toBeLessThan(3_000);
    const after = sim.samples.filter((d) => d.at > 1_100);
    const firstShrinkIndex = after.findIndex((d) => d.size < autoscaler.max);
    const firstShrink = after[firstShrinkIndex]!;
    // No shrink during the cool-down after the backlog went (demand stays high while it drains).
    expect(firstShrink.at - drainedAt).toBeGreaterThanOrEqual(autoscaler.shrinkCooldownMs - DECIDE_EVERY_MS);
    // Gradually: not straight to the minimum, monotone, and it reaches POOL_MIN and stays there.
    expect(firstShrink.size).toBeGreaterThan(100);
    const sizes = after.slice(firstShrinkIndex).map((d) => d.size);
    for (let i = 1; i < sizes.length; i++) expect(sizes[i]!).toBeLessThanOrEqual(sizes[i - 1]!);
    const atMinIndex = sizes.indexOf(autoscaler.min);
    expect(atMinIndex).toBeGreaterThan(10);
    expect(sizes.slice(atMinIndex).every((n) => n === autoscaler.min)).toBe(true);
  });
});
