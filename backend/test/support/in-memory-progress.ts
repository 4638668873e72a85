import { Types } from 'mongoose';
import { createLogger } from '../../src/logger.js';
import { DEFAULT_AUTOSCALER, type AutoscalerConfig } from '../../src/processing/autoscaler.js';
import { Processor } from '../../src/processing/processor.js';
import { SerialLock } from '../../src/shared/serial-lock.js';
import { CounterCache } from '../../src/stats/counter-cache.js';
import type { StoryDoc } from '../../src/stories/story.model.js';
import type { ProgressCommit, StoryRepository } from '../../src/stories/story.repository.js';
import { FakeClock } from './fake-clock.js';

/**
 * The one repository call the Processor makes (`commitProgress`), in memory: stories Open "in the database"
 * turn Done once, and every commit is recorded with the time it was made.
 */
export class InMemoryProgressStore implements Pick<StoryRepository, 'commitProgress'> {
  readonly commits: ProgressCommit[][] = [];
  readonly openInDb = new Set<string>();
  /** When each story's final commit was made. */
  readonly finishedAt = new Map<string, number>();
  /** The next N commits fail, as with an unreachable database. */
  failNext = 0;

  async commitProgress(commits: ProgressCommit[], at: Date): Promise<{ completed: string[] }> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('database unavailable');
    }
    this.commits.push(commits.map((c) => ({ ...c, taskNumbers: [...c.taskNumbers] })));
    for (const c of commits) if (c.finished) this.finishedAt.set(c.id, at.getTime());
    const completed = commits.filter((c) => c.finished && this.openInDb.delete(c.id)).map((c) => c.id);
    return { completed };
  }

  commitsFor(id: string): ProgressCommit[] {
    return this.commits.flat().filter((c) => c.id === id);
  }
}

/** An Open story with the given task estimates, as the repository returns it after insert. */
export function storyDoc(estimates: readonly number[], createdAt = new Date(0)): StoryDoc {
  return {
    _id: new Types.ObjectId(),
    title: null,
    externalRef: null,
    status: 'Open',
    tasks: estimates.map((estimate, n) => ({ n, estimate, status: 'Open', doneAt: null })),
    taskCount: estimates.length,
    doneCount: 0,
    estimateMs: estimates.reduce((a, b) => a + b, 0),
    criticalPathMs: Math.max(...estimates),
    createdAt,
    completedAt: null,
  };
}

export interface ProcessorHarnessOptions {
  pool?: Pick<AutoscalerConfig, 'min' | 'max'>;
  start?: number;
  flushIntervalMs?: number;
  autoscaleIntervalMs?: number;
}

/** The real Processor on a fake clock with the in-memory store; `run` moves time and lets async commits settle. */
export function processorHarness(options: ProcessorHarnessOptions = {}) {
  const clock = new FakeClock(options.start ?? 1_000_000);
  const store = new InMemoryProgressStore();
  const counters = new CounterCache();
  const autoscaler: AutoscalerConfig = {
    ...DEFAULT_AUTOSCALER,
    ...(options.pool ?? { min: 4, max: 100 }),
    targetWaitMs: 200,
    shrinkCooldownMs: 5000,
  };
  const processor = new Processor({
    // The Processor only calls commitProgress (checked by `implements` above).
    repository: store as unknown as StoryRepository,
    counters,
    lock: new SerialLock(),
    clock,
    logger: createLogger({ level: 'silent', pretty: false }),
    autoscaler,
    autoscaleIntervalMs: options.autoscaleIntervalMs ?? 250,
    flushIntervalMs: options.flushIntervalMs ?? 200,
    progressWriteIntervalMs: 1000,
  });
  /** A story accepted now (persisted Open, counted produced), as StoryService hands it over. */
  const add = (estimates: readonly number[]): string => {
    const doc = storyDoc(estimates, new Date(clock.now()));
    const id = doc._id.toHexString();
    store.openInDb.add(id);
    counters.storyCreated();
    processor.add(doc);
    return id;
  };
  /** Moves the fake time by `ms` in steps of `step`, letting the async commits settle between them. */
  const run = async (ms: number, step = 10) => {
    for (let t = 0; t < ms; t += step) {
      clock.advanceBy(step);
      await new Promise((r) => setImmediate(r));
    }
  };
  processor.start();
  return { clock, store, counters, processor, autoscaler, add, run };
}
