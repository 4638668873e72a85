import { describe, expect, it } from '@jest/globals';
import { mean, percentile, referenceEstimates, referenceIntervalMs, seededRandom, type Random } from '@storyflow/test-support';
import { because } from '../support/because.js';
import { processorHarness } from '../support/in-memory-progress.js';

/**
 * The real Processor (its queue, worker pool, autoscaler and completion batcher) on a fake clock, with an
 * in-memory store in place of MongoDB, fed the reference workload of the original client: a story every
 * 50–100 ms, 20–80 tasks of 10–20 ms each. Everything is observed from outside: `figures`, the commits.
 */
const POOL = { min: 4, max: 1000 };
const DECIDE_EVERY_MS = 250;
const COOLDOWN_MS = 5000;
/** Mean story: 50 tasks × 15 ms. */
const STORY_TASKS = 50;

interface Observation {
  at: number;
  poolSize: number;
  busy: number;
  backlogTasks: number;
}

function simulation(random: Random, pool = POOL) {
  // Completions flushed every 10 ms, so a story's commit time is its finish time (within 10 ms).
  const h = processorHarness({ pool, start: 0, flushIntervalMs: 10, autoscaleIntervalMs: DECIDE_EVERY_MS });
  const arrivedAt = new Map<string, number>();
  const observations: Observation[] = [];
  // Observes right after each autoscaler decision (same instants, timers run in creation order).
  const observe = () => {
    observations.push({ at: h.clock.now(), ...pick(h.processor.figures) });
    h.clock.setTimeout(observe, DECIDE_EVERY_MS);
  };
  h.clock.setTimeout(observe, DECIDE_EVERY_MS);
  const arrive = () => arrivedAt.set(h.add(referenceEstimates(random)), h.clock.now());
  const arriveSteadily = (until: number) => {
    const next = () => {
      if (h.clock.now() >= until) return;
      arrive();
      h.clock.setTimeout(next, referenceIntervalMs(random));
    };
    next();
  };
  /** Arrival → final commit, per finished story. */
  const waits = () => [...h.store.finishedAt].map(([id, at]) => at - arrivedAt.get(id)!);
  return { ...h, observations, arrive, arriveSteadily, waits };
}

const pick = (f: { poolSize: number; busyWorkers: number; backlogTasks: number }) => ({
  poolSize: f.poolSize,
  busy: f.busyWorkers,
  backlogTasks: f.backlogTasks,
});

async function runReference(seed: number, pool = POOL) {
  const sim = simulation(seededRandom(seed), pool);
  sim.arriveSteadily(120_000);
  await sim.run(120_000);
  const late = sim.observations.filter((o) => o.at >= 60_000);
  const sizes = late.map((o) => o.poolSize);
  const waits = sim.waits();
  const result = {
    sim,
    meanSize: mean(sizes),
    maxSize: Math.max(...sizes),
    minSize: Math.min(...sizes),
    meanBusy: mean(late.map((o) => o.busy)),
    maxBacklogTasks: Math.max(...late.map((o) => o.backlogTasks)),
    endBacklogTasks: sim.processor.figures.backlogTasks,
    p95WaitMs: percentile(waits, 95) ?? Number.POSITIVE_INFINITY,
    finished: waits.length,
    unfinished: sim.processor.trackedCount,
  };
  await sim.processor.stop();
  return result;
}

function expectSettled(r: Awaited<ReturnType<typeof runReference>>) {
  const check = (what: string, assertion: () => void) => because(what, assertion);
  // The workload is what it claims: ~13.3 stories/s keeping ~10 workers busy.
  check('stories finished in 120 s', () => expect(r.finished).toBeGreaterThan(1450));
  check('stories finished in 120 s', () => expect(r.finished).toBeLessThan(1750));
  // Each finished story counted once.
  check('completed counter', () => expect(r.sim.counters.current.completed).toBe(r.finished));
  check('mean busy workers', () => expect(r.meanBusy).toBeGreaterThan(8));
  check('mean busy workers', () => expect(r.meanBusy).toBeLessThan(13));
  // Near the need: above the busy workers (headroom), far below POOL_MAX, never back at POOL_MIN.
  check('mean pool size, last 60 s', () => expect(r.meanSize).toBeGreaterThanOrEqual(10));
  check('mean pool size, last 60 s', () => expect(r.meanSize).toBeLessThanOrEqual(30));
  check('max pool size, last 60 s', () => expect(r.maxSize).toBeLessThanOrEqual(40));
  check('min pool size, last 60 s', () => expect(r.minSize).toBeGreaterThanOrEqual(8));
  // The queue keeps draining.
  check('max backlog, last 60 s', () => expect(r.maxBacklogTasks).toBeLessThan(6 * STORY_TASKS));
  check('backlog at the end', () => expect(r.endBacklogTasks).toBeLessThan(3 * STORY_TASKS));
  check('stories unfinished at the end', () => expect(r.unfinished).toBeLessThanOrEqual(3));
  check('p95 story wait (arrival → committed Done)', () => expect(r.p95WaitMs).toBeLessThan(500));
}

describe('pool simulation (the real Processor on a fake clock, reference workload)', () => {
  it('the pool settles near what the reference load needs, not at POOL_MAX', async () => {
    expectSettled(await runReference(20240601));
  });

  it('settles the same way for other seeds', async () => {
    for (const seed of [1, 2, 3]) expectSettled(await runReference(seed));
  });

  it('control: a pool fixed at POOL_MIN cannot keep up with the reference load', async () => {
    const r = await runReference(20240601, { min: POOL.min, max: POOL.min });
    expect(r.sim.processor.figures.poolSize).toBe(POOL.min);
    expect(r.maxSize).toBe(POOL.min);
    expect(r.endBacklogTasks).toBeGreaterThan(100 * STORY_TASKS);
    expect(r.unfinished).toBeGreaterThan(100);
  });

  it('a burst of 1,000 stories grows the pool at once, then it shrinks back to POOL_MIN only after the cool-down', async () => {
    const sim = simulation(seededRandom(7));
    const burstAt = 1_100;
    await sim.run(burstAt);
    expect(sim.processor.figures.poolSize).toBe(POOL.min);
    for (let i = 0; i < 1000; i++) sim.arrive();
    // Grows on arrival, not at the next decision.
    expect(sim.processor.figures.poolSize).toBe(POOL.max);
    // Millisecond steps until the last task is done (to time the drain), then coarser ones.
    let drainedAt = -1;
    while (drainedAt < 0 && sim.clock.now() < 60_000) {
      await sim.run(1, 1);
      const f = sim.processor.figures;
      if (f.backlogTasks === 0 && f.busyWorkers === 0) drainedAt = sim.clock.now();
    }
    await sim.run(60_000 - sim.clock.now());
    const after = sim.observations.filter((o) => o.at > burstAt);
    expect(after[0]!.at - burstAt).toBeLessThanOrEqual(DECIDE_EVERY_MS);
    expect(after[0]!.poolSize).toBe(POOL.max);
    // 1,000 stories (~750 s of work) drain in a few seconds at that size, and all are committed Done once.
    expect(drainedAt - burstAt).toBeGreaterThan(0);
    expect(drainedAt - burstAt).toBeLessThan(3_000);
    expect(sim.store.finishedAt.size).toBe(1000);
    expect(sim.counters.current).toMatchObject({ produced: 1000, completed: 1000, open: 0 });

    // No shrink for the whole cool-down after demand went low (at the latest when the backlog was gone).
    const firstShrinkIndex = after.findIndex((o) => o.poolSize < POOL.max);
    const firstShrink = after[firstShrinkIndex]!;
    expect(after.slice(0, firstShrinkIndex).every((o) => o.poolSize === POOL.max)).toBe(true);
    expect(firstShrink.at - drainedAt).toBeGreaterThanOrEqual(COOLDOWN_MS - DECIDE_EVERY_MS);
    expect(firstShrink.at - drainedAt).toBeLessThanOrEqual(COOLDOWN_MS + 2 * DECIDE_EVERY_MS);
    // Gradually: not straight to the minimum, monotone, and it reaches POOL_MIN and stays there.
    expect(firstShrink.poolSize).toBeGreaterThan(100);
    const sizes = after.slice(firstShrinkIndex).map((o) => o.poolSize);
    for (let i = 1; i < sizes.length; i++) expect(sizes[i]!).toBeLessThanOrEqual(sizes[i - 1]!);
    const atMinIndex = sizes.indexOf(POOL.min);
    because('steps from the first shrink to POOL_MIN', () => expect(atMinIndex).toBeGreaterThan(10));
    expect(sizes.slice(atMinIndex).every((n) => n === POOL.min)).toBe(true);
    expect(sim.processor.figures.poolSize).toBe(POOL.min);
    await sim.processor.stop();
  });
});
