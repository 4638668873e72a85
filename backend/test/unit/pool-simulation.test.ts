import { describe, expect, it } from 'vitest';
import {
  DEFAULT_AUTOSCALER,
  decidePoolSize,
  initialAutoscalerState,
  targetSize,
  type AutoscalerConfig,
} from '../../src/processing/autoscaler.js';
import { ReadyQueue } from '../../src/processing/ready-queue.js';
import type { TrackedStory } from '../../src/processing/tracked-story.js';
import { WorkerPool } from '../../src/processing/worker-pool.js';
import { randomInt, type Random } from '../../src/shared/clock.js';
import { FakeClock, seededRandom } from './fake-clock.js';
import { makeStory } from './stories.js';

/**
 * The real queue, pool and autoscaler on a fake clock, fed the reference workload of the original
 * client: a story every 50–100 ms, 20–80 tasks of 10–20 ms each.
 */
const config: AutoscalerConfig = { min: 4, max: 1000, targetWaitMs: 200, shrinkCooldownMs: 5000, ...DEFAULT_AUTOSCALER };
const DECIDE_EVERY_MS = 250;

interface Decision {
  at: number;
  size: number;
  target: number;
  backlogWorkMs: number;
  backlogTasks: number;
  busy: number;
  lowSince: number | null;
}

class Simulation {
  readonly clock = new FakeClock(0);
  readonly queue = new ReadyQueue();
  readonly decisions: Decision[] = [];
  /** arrival → last task done, per finished story. */
  readonly waits: number[] = [];
  private readonly arrivedAt = new Map<TrackedStory, number>();
  private readonly remaining = new Map<TrackedStory, number>();
  private state = initialAutoscalerState(config);
  private arrivedWorkMs = 0;
  private storySeq = 0;
  readonly pool: WorkerPool;

  constructor(private readonly random: Random) {
    this.pool = new WorkerPool(this.queue, (item) => this.taskDone(item.story), this.clock, this.state.size);
  }

  private taskDone(story: TrackedStory): void {
    const left = this.remaining.get(story)! - 1;
    this.remaining.set(story, left);
    if (left === 0) {
      this.waits.push(this.clock.now() - this.arrivedAt.get(story)!);
      this.remaining.delete(story);
      this.arrivedAt.delete(story);
    }
  }

  get unfinishedStories(): number {
    return this.remaining.size;
  }

  /** One story of the reference shape arrives now. */
  arrive(): void {
    const n = randomInt(this.random, 20, 80);
    const estimates = Array.from({ length: n }, () => randomInt(this.random, 10, 20));
    const story = makeStory(`s${this.storySeq++}`, estimates);
    this.arrivedAt.set(story, this.clock.now());
    this.remaining.set(story, n);
    this.arrivedWorkMs += estimates.reduce((a, b) => a + b, 0);
    this.queue.push(story);
    this.pool.pump();
  }

  /** A story every 50–100 ms from now until `until`. */
  arriveSteadily(until: number): void {
    const next = () => {
      if (this.clock.now() >= until) return;
      this.arrive();
      this.clock.setTimeout(next, randomInt(this.random, 50, 100));
    };
    next();
  }

  /** Autoscaler decisions every 250 ms from now on (the first one now). */
  decideEvery(): void {
    const decide = () => {
      const now = this.clock.now();
      this.state = decidePoolSize(config, this.state, {
        now,
        backlogWorkMs: this.queue.backlogWorkMs,
        arrivedWorkMs: this.arrivedWorkMs,
      });
      this.arrivedWorkMs = 0;
      this.pool.resize(this.state.size);
      this.decisions.push({
        at: now,
        size: this.state.size,
        target: targetSize(config, this.state.offeredLoad, this.queue.backlogWorkMs),
        backlogWorkMs: this.queue.backlogWorkMs,
        backlogTasks: this.queue.backlogTasks,
        busy: this.pool.busyWorkers,
        lowSince: this.state.lowSince,
      });
      this.clock.setTimeout(decide, DECIDE_EVERY_MS);
    };
    decide();
  }
}

const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Mean story: 50 tasks × 15 ms. */
const STORY_WORK_MS = 50 * 15;

function runReference(seed: number, autoscale = true) {
  const sim = new Simulation(seededRandom(seed));
  if (autoscale) sim.decideEvery();
  sim.arriveSteadily(120_000);
  sim.clock.advanceTo(120_000);
  // Decisions of the last 60 s (none when the pool is fixed).
  const late = sim.decisions.filter((d) => d.at >= 60_000);
  const sizes = late.map((d) => d.size);
  return {
    sim,
    meanSize: mean(sizes),
    maxSize: Math.max(...sizes),
    minSize: Math.min(...sizes),
    meanBusy: mean(late.map((d) => d.busy)),
    maxBacklogWorkMs: Math.max(...late.map((d) => d.backlogWorkMs)),
    endBacklogWorkMs: sim.queue.backlogWorkMs,
    p95WaitMs: percentile(sim.waits, 95),
    finished: sim.waits.length,
  };
}

function expectSettled(r: ReturnType<typeof runReference>) {
  // The workload is what it claims: ~13.3 stories/s keeping ~10 workers busy.
  expect(r.finished, 'stories finished in 120 s').toBeGreaterThan(1450);
  expect(r.finished, 'stories finished in 120 s').toBeLessThan(1750);
  expect(r.meanBusy, 'mean busy workers').toBeGreaterThan(8);
  expect(r.meanBusy, 'mean busy workers').toBeLessThan(13);
  // Near the need: above the busy workers (headroom), far below POOL_MAX, never back at POOL_MIN.
  expect(r.meanSize, 'mean pool size, last 60 s').toBeGreaterThanOrEqual(10);
  expect(r.meanSize, 'mean pool size, last 60 s').toBeLessThanOrEqual(30);
  expect(r.maxSize, 'max pool size, last 60 s').toBeLessThanOrEqual(40);
  expect(r.minSize, 'min pool size, last 60 s').toBeGreaterThanOrEqual(8);
  // The queue keeps draining.
  expect(r.maxBacklogWorkMs, 'max backlog work, last 60 s').toBeLessThan(6 * STORY_WORK_MS);
  expect(r.endBacklogWorkMs, 'backlog work at the end').toBeLessThan(3 * STORY_WORK_MS);
  expect(r.sim.unfinishedStories, 'stories unfinished at the end').toBeLessThanOrEqual(3);
  expect(r.p95WaitMs, 'p95 story wait (arrival → last task done)').toBeLessThan(500);
}

describe('pool simulation (real ReadyQueue + WorkerPool + decidePoolSize, fake clock)', () => {
  it('the pool settles near what the reference load needs, not at POOL_MAX', () => {
    expectSettled(runReference(20240601));
  });

  it('settles the same way for other seeds', () => {
    for (const seed of [1, 2, 3]) expectSettled(runReference(seed));
  });

  it('control: a pool fixed at POOL_MIN cannot keep up with the reference load', () => {
    const r = runReference(20240601, false);
    expect(r.sim.pool.poolSize).toBe(config.min);
    expect(r.sim.decisions).toHaveLength(0);
    expect(r.endBacklogWorkMs).toBeGreaterThan(100 * STORY_WORK_MS);
    expect(r.sim.unfinishedStories).toBeGreaterThan(100);
  });

  it('a burst of 1,000 stories grows the pool at once, then it shrinks back to POOL_MIN only after the cool-down', () => {
    const sim = new Simulation(seededRandom(7));
    sim.decideEvery();
    const burstAt = 1_100;
    sim.clock.advanceTo(burstAt);
    expect(sim.pool.poolSize).toBe(config.min);
    for (let i = 0; i < 1000; i++) sim.arrive();
    let drainedAt = -1;
    for (let t = burstAt + 1; t <= 60_000; t++) {
      sim.clock.advanceTo(t);
      if (drainedAt < 0 && sim.unfinishedStories === 0) drainedAt = t;
    }
    const after = sim.decisions.filter((d) => d.at > burstAt);
    // Grows within one decision.
    expect(after[0]!.at - burstAt).toBeLessThanOrEqual(DECIDE_EVERY_MS);
    expect(after[0]!.size).toBeGreaterThan(100);
    expect(after[0]!.size).toBe(config.max);
    // 1,000 stories (~750 s of work) drain in a few seconds at that size.
    expect(drainedAt - burstAt).toBeGreaterThan(0);
    expect(drainedAt - burstAt).toBeLessThan(3_000);

    // Demand goes low once the backlog is (nearly) gone; no shrink for the whole cool-down after that.
    const firstLow = after.find((d) => d.lowSince !== null)!;
    expect(firstLow.at).toBeGreaterThanOrEqual(drainedAt - DECIDE_EVERY_MS);
    const firstShrinkIndex = after.findIndex((d) => d.size < config.max);
    const firstShrink = after[firstShrinkIndex]!;
    expect(after.slice(0, firstShrinkIndex).every((d) => d.size === config.max)).toBe(true);
    expect(firstShrink.at - firstLow.at).toBeGreaterThanOrEqual(config.shrinkCooldownMs);
    expect(firstShrink.at - firstLow.at).toBeLessThanOrEqual(config.shrinkCooldownMs + DECIDE_EVERY_MS);
    // Gradually: not straight to the minimum, monotone, and it reaches POOL_MIN and stays there.
    expect(firstShrink.size).toBeGreaterThan(100);
    const sizes = after.slice(firstShrinkIndex).map((d) => d.size);
    for (let i = 1; i < sizes.length; i++) expect(sizes[i]!).toBeLessThanOrEqual(sizes[i - 1]!);
    const atMinIndex = sizes.indexOf(config.min);
    expect(atMinIndex, 'steps from the first shrink to POOL_MIN').toBeGreaterThan(10);
    expect(sizes.slice(atMinIndex).every((n) => n === config.min)).toBe(true);
    expect(sim.pool.poolSize).toBe(config.min);
  });
});
