import { describe, expect, it } from '@jest/globals';
import { processorHarness } from '../support/in-memory-progress.js';

function setup(pool: { min: number; max: number } = { min: 4, max: 100 }) {
  const { store: repository, ...rest } = processorHarness({ pool });
  return { repository, ...rest };
}

describe('Processor (queue + pool + completion batcher)', () => {
  it('commits a short story with one final update and counts it once', async () => {
    const { repository, counters, processor, add, run } = setup();
    const id = add([10, 20, 15]);
    await run(500);
    expect(repository.commitsFor(id)).toEqual([{ id, taskNumbers: expect.arrayContaining([0, 1, 2]), doneCount: 3, finished: true }]);
    expect(counters.current).toMatchObject({ produced: 1, completed: 1, open: 0 });
    expect(processor.trackedCount).toBe(0);
    await processor.stop();
  });

  it('retries completions after a failed commit, without losing or double-counting them', async () => {
    const { repository, counters, processor, add, run } = setup();
    repository.failNext = 2;
    const id = add([10, 10]);
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
    const id = add([10]);
    repository.openInDb.delete(id); // e.g. another replica finished it first
    await run(400);
    expect(repository.commitsFor(id)).toHaveLength(1);
    expect(counters.current.completed).toBe(0);
    expect(processor.trackedCount).toBe(0);
    await processor.stop();
  });

  it("writes a long story's progress at most once per progress interval", async () => {
    const { repository, processor, add, run } = setup({ min: 1, max: 1 });
    const id = add(Array.from({ length: 100 }, () => 20)); // 2 s on one worker
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
    const first = add([100]);
    const victim = add([50, 50, 50]);
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
    const id = add(Array.from({ length: 50 }, () => 20));
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
