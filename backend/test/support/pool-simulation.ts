import { DEFAULT_POOL_TARGET_WAIT_MS } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { DEFAULT_AUTOSCALER, type AutoscalerConfig } from '../../src/processing/autoscaler.js';
import type { CompletionStore, FinishedStory, OnCompleted } from '../../src/processing/ports.js';
import { createProcessor, type Processor } from '../../src/processing/processor.js';
import { CounterCache } from '../../src/stats/counter-cache.js';
import { FakeClock } from './fake-clock.js';

/** How often the simulated server decides the pool size (AUTOSCALE_INTERVAL_MS's default). */
export const DECIDE_EVERY_MS = 250;

export const simulatedAutoscaler = (overrides: Partial<AutoscalerConfig> = {}): AutoscalerConfig => ({
  min: 4,
  max: 1000,
  targetWaitMs: DEFAULT_POOL_TARGET_WAIT_MS,
  shrinkCooldownMs: 5000,
  ...DEFAULT_AUTOSCALER,
  ...overrides,
});

export interface PoolSample {
  at: number;
  size: number;
  busy: number;
  backlogTasks: number;
}

/**
 * The real Processor (fair queue, worker pool, autoscaler, group commit) on a fake clock with an
 * instant in-memory store. Records each story's wait for a worker (its first task's start − arrival,
 * as the server stores them) and its latency (arrival → committed Done).
 */
export class PoolSimulation implements CompletionStore {
  readonly clock = new FakeClock(0);
  readonly samples: PoolSample[] = [];
  readonly latencies: number[] = [];
  readonly waits: { at: number; wait: number }[] = [];
  readonly processor: Processor;
  private readonly arrivedAt = new Map<string, number>();
  private readonly started = new Set<string>();
  private storySeq = 0;

  constructor(readonly autoscaler: AutoscalerConfig = simulatedAutoscaler()) {
    this.processor = createProcessor({
      store: this,
      counters: new CounterCache(),
      clock: this.clock,
      logger: createLogger({ level: 'silent', pretty: false }),
      autoscaler,
      autoscaleIntervalMs: DECIDE_EVERY_MS,
      flushIntervalMs: 200,
      progressWriteIntervalMs: 1000,
      admission: { bounds: { tasks: 10_000_000, stories: 10_000_000 } },
    }).processor;
    this.processor.changes.add((story, change) => {
      if (change !== 'progress' || story.startedAt === null || this.started.has(story.id)) return;
      this.started.add(story.id);
      this.waits.push({ at: story.createdAt, wait: story.startedAt - story.createdAt });
    });
    this.processor.start();
  }

  async writeProgress(): Promise<void> {}

  completeStories(stories: FinishedStory[], _mark: string, _now: Date, onStored: OnCompleted): Promise<void> {
    const ids = stories.map((story) => story.id);
    for (const id of ids) {
      this.latencies.push(this.clock.now() - this.arrivedAt.get(id)!);
      this.arrivedAt.delete(id);
      this.started.delete(id);
    }
    onStored(ids.length, () => true);
    return Promise.resolve();
  }

  get unfinishedStories(): number {
    return this.arrivedAt.size;
  }

  /** A story of these task estimates arrives now. */
  arrive(estimates: readonly number[]): void {
    const id = `s${this.storySeq++}`;
    const now = this.clock.now();
    this.arrivedAt.set(id, now);
    this.processor.add({ id, createdAt: now, tasks: estimates.map((estimate, n) => ({ n, estimate, done: false })) });
  }

  /** Stories arriving at these times (ms from now). */
  schedule(arrivals: readonly { at: number; estimates: number[] }[]): void {
    const from = this.clock.now();
    for (const a of arrivals) this.clock.setTimeout(() => this.arrive(a.estimates), from + a.at - this.clock.now());
  }

  /** Advances the fake time 1 ms at a time, letting commits settle, sampling the pool every decision interval. */
  async runUntil(end: number): Promise<void> {
    while (this.clock.now() < end) {
      this.clock.advanceBy(1);
      for (let i = 0; i < 4; i++) await Promise.resolve();
      if (this.clock.now() % DECIDE_EVERY_MS === 0) {
        const f = this.processor.load;
        this.samples.push({ at: this.clock.now(), size: f.poolSize, busy: f.busyWorkers, backlogTasks: f.backlogTasks });
      }
    }
  }
}
