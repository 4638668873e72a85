import { Types } from 'mongoose';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { DEFAULT_AUTOSCALER } from '../../src/processing/autoscaler.js';
import { Processor } from '../../src/processing/processor.js';
import { SerialLock } from '../../src/shared/serial-lock.js';
import { CounterCache } from '../../src/stats/counter-cache.js';
import type { StoryDoc } from '../../src/stories/story.model.js';
import type { ProgressCommit, StoryRepository } from '../../src/stories/story.repository.js';
import { FakeClock } from './fake-clock.js';

/** The repository's commit, in memory: stories Open "in the database" turn Done once. */
class FakeRepository {
  readonly commits: ProgressCommit[][] = [];
  readonly openInDb = new Set<string>();
  failNext = 0;

  async commitProgress(commits: ProgressCommit[]): Promise<{ completed: string[] }> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('database unavailable');
    }
    this.commits.push(commits.map((c) => ({ ...c, taskNumbers: [...c.taskNumbers] })));
    const completed = commits.filter((c) => c.finished && this.openInDb.delete(c.id)).map((c) => c.id);
    return { completed };
  }

  commitsFor(id: string): ProgressCommit[] {
    return this.commits.flat().filter((c) => c.id === id);
  }
}

function story(estimates: number[]): StoryDoc {
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
    createdAt: new Date(0),
    completedAt: null,
  };
}

function setup(pool: { min: number; max: number } = { min: 4, max: 100 }) {
  const clock = new FakeClock(1_000_000);
  const repository = new FakeRepository();
  const counters = new CounterCache();
  const processor = new Processor({
    repository: repository as unknown as StoryRepository,
    counters,
    lock: new SerialLock(),
    clock,
    logger: createLogger({ level: 'silent', pretty: false }),
    autoscaler: { ...DEFAULT_AUTOSCALER, ...pool, targetWaitMs: 200, shrinkCooldownMs: 5000 },
    autoscaleIntervalMs: 250,
    flushIntervalMs: 200,
    progressWriteIntervalMs: 1000,
  });
  const add = (doc: StoryDoc) => {
    repository.openInDb.add(doc._id.toHexString());
    counters.storyCreated();
    processor.add(doc);
    return doc._id.toHexString();
  };
  /** Moves the fake time in small steps, letting the async commits settle between them. */
  const run = async (ms: number, step = 10) => {
    for (let t = 0; t < ms; t += step) {
      clock.advanceBy(step);
      await new Promise((r) => setImmediate(r));
    }
  };
  processor.start();
  return { clock, repository, counters, processor, add, run };
}

describe('Processor (queue + pool + completion batcher)', () => {
  it('commits a short story with one final update and counts it once', async () => {
    const { repository, counters, processor, add, run } = setup();
    const id = add(story([10, 20, 15]));
    await run(500);
    expect(repository.commitsFor(id)).toEqual([{ id, taskNumbers: expect.arrayContaining([0, 1, 2]), doneCount: 3, finished: true }]);
    expect(counters.current).toMatchObject({ produced: 1, completed: 1, open: 0 });
    expect(processor.trackedCount).toBe(0);
    await processor.stop();
  });

  it('retries completions after a failed commit, without losing or double-counting them', async () => {
    const { repository, counters, processor, add, run } = setup();
    repository.failNext = 2;
    const id = add(story([10, 10]));
    await run(1000);
    const commits = repository.commitsFor(id);
    expect(commits).toHaveLength(1);
    expect(commits[0]).toMatchObject({ doneCount: 2, finished: true });
    expect([...commits[0]!.taskNumbers].sort()).toEqual([0, 1]);
    expect(counters.current.completed).toBe(1);
    await processor.stop();
  });

  it('does not count a story another writer already turned Done', async () => {
    const { repository, counters, processor, add, run } = setup();
    const id = add(story([10]));
    repository.openInDb.delete(id); // e.g. another replica finished it first
    await run(400);
    expect(repository.commitsFor(id)).toHaveLength(1);
    expect(counters.current.completed).toBe(0);
    expect(processor.trackedCount).toBe(0);
    await processor.stop();
  });

  it("writes a long story's progress at most once per progress interval", async () => {
    const { repository, processor, add, run } = setup({ min: 1, max: 1 });
    const id = add(story(Array.from({ length: 100 }, () => 20))); // 2 s on one worker
    await run(2600);
    const commits = repository.commitsFor(id);
    const progress = commits.filter((c) => !c.finished);
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(progress.length).toBeLessThanOrEqual(2);
    expect(commits.at(-1)).toMatchObject({ finished: true, doneCount: 100 });
    // Every task committed exactly once across the writes.
    expect(commits.flatMap((c) => c.taskNumbers).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    await processor.stop();
  });

  it('forgets a deleted story: its queued tasks leave the backlog and nothing more is committed', async () => {
    const { repository, processor, add, run } = setup({ min: 1, max: 1 });
    const first = add(story([100]));
    const victim = add(story([50, 50, 50]));
    expect(processor.figures).toMatchObject({ busyWorkers: 1, backlogTasks: 3 });
    processor.forget(victim);
    expect(processor.figures.backlogTasks).toBe(0);
    await run(600);
    expect(repository.commitsFor(victim)).toHaveLength(0);
    expect(repository.commitsFor(first)).toHaveLength(1);
    await processor.stop();
  });

  it('commits every completion at stop, due or not, and runs nothing after', async () => {
    const { repository, processor, add, run } = setup({ min: 1, max: 1 });
    const id = add(story(Array.from({ length: 50 }, () => 20)));
    await run(300); // ~15 tasks done, progress not due yet
    expect(repository.commitsFor(id)).toHaveLength(0);
    await processor.stop();
    const [commit] = repository.commitsFor(id);
    expect(commit?.finished).toBe(false);
    expect(commit?.doneCount).toBeGreaterThanOrEqual(10);
    const before = repository.commits.length;
    await run(2000);
    expect(repository.commits.length).toBe(before);
  });
});
