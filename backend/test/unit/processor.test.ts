import { describe, expect, it } from '@jest/globals';
import { createLogger } from '../../src/logger.js';
import { DEFAULT_AUTOSCALER } from '../../src/processing/autoscaler.js';
import type { CompletionStore, FinishedStory, OnCompleted, ProgressWrite } from '../../src/processing/ports.js';
import { createProcessor } from '../../src/processing/processor.js';
import type { StoryWork } from '../../src/processing/tracked-story.js';
import { OverloadedError } from '../../src/shared/errors.js';
import { CounterCache } from '../../src/stats/counter-cache.js';
import { FakeClock } from '../support/fake-clock.js';

interface Commit {
  id: string;
  taskNumbers: number[];
  doneCount: number;
  finished: boolean;
}

/**
 * The database's side of the commits, in memory, with MongoDB's semantics: a story Open "in the
 * database" turns Done once; a completion marks it with the committer's mark. `failNext` makes the next
 * writes throw, before (`lost`) or after (`landed`) they were applied, as a timeout can.
 */
class FakeStore implements CompletionStore {
  readonly commits: Commit[][] = [];
  readonly completeCalls: string[][] = [];
  /** Every write tried, failed or not. */
  attempts = 0;
  readonly status = new Map<string, { done: boolean; attempt: string | null }>();
  failNext = 0;
  failMode: 'lost' | 'landed' = 'lost';

  writeProgress(items: ProgressWrite[]): Promise<void> {
    return this.write(() => {
      this.attempts++;
      this.maybeFail('before');
      this.commits.push(items.map((c) => ({ ...c, taskNumbers: [...c.taskNumbers], finished: false })));
      this.maybeFail('after');
    });
  }

  completeStories(stories: FinishedStory[], mark: string, _now: Date, onStored: OnCompleted): Promise<void> {
    const ids = stories.map((story) => story.id);
    return this.write(() => {
      this.attempts++;
      this.maybeFail('before');
      this.completeCalls.push([...ids]);
      const ours = new Set<string>();
      for (const id of ids) {
        const row = this.status.get(id);
        if (!row || (row.done && row.attempt !== mark)) continue;
        row.done = true;
        row.attempt = mark;
        ours.add(id);
      }
      this.commits.push(ids.map((id) => ({ id, taskNumbers: [], doneCount: -1, finished: true })));
      // Landed, but the reply is lost: the store throws and the committer's bookkeeping does not run.
      if (this.failNext > 0 && this.failMode === 'landed') return this.maybeFail('after');
      onStored(ours.size, (id) => ours.has(id));
    });
  }

  commitsFor(id: string): Commit[] {
    return this.commits.flat().filter((c) => c.id === id);
  }

  /** Runs a write at once; what it throws is the returned promise's rejection, as a database call fails. */
  private write(body: () => void): Promise<void> {
    return new Promise((resolve) => {
      body();
      resolve();
    });
  }

  private maybeFail(when: 'before' | 'after'): void {
    if (this.failNext <= 0 || (when === 'before') !== (this.failMode === 'lost')) return;
    this.failNext--;
    throw new Error('database unavailable');
  }
}

let nextId = 0;
function story(estimates: number[], createdAt = 0): StoryWork {
  return { id: `s${nextId++}`, createdAt, tasks: estimates.map((estimate, n) => ({ n, estimate, done: false })) };
}

function setup(pool: { min: number; max: number } = { min: 4, max: 100 }, maxOpenTasks = 1_000_000, stopRetryMs?: number) {
  const clock = new FakeClock(1_000_000);
  const store = new FakeStore();
  const counters = new CounterCache();
  const { processor, admission } = createProcessor({
    store,
    counters,
    clock,
    logger: createLogger({ level: 'silent', pretty: false }),
    autoscaler: { ...DEFAULT_AUTOSCALER, ...pool, targetWaitMs: 200, shrinkCooldownMs: 5000 },
    autoscaleIntervalMs: 250,
    flushIntervalMs: 200,
    progressWriteIntervalMs: 1000,
    admission: { bounds: { tasks: maxOpenTasks, stories: 1_000_000 } },
    stopRetryMs,
  });
  const add = (work: StoryWork) => {
    store.status.set(work.id, { done: false, attempt: null });
    counters.storyProduced();
    processor.add(work, admission.reserve(work.tasks.length));
    return work.id;
  };
  /** Moves the fake time in small steps, letting the async commits settle between them. */
  const run = async (ms: number, step = 10) => {
    for (let t = 0; t < ms; t += step) {
      clock.advanceBy(step);
      await settle();
    }
  };
  processor.start();
  return { clock, store, counters, processor, admission, add, run };
}

const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

describe('Processor (queue + pool + completion batcher)', () => {
  it('commits a short story with one final update and counts it once', async () => {
    const { store: repository, counters, processor, add, run } = setup();
    const id = add(story([10, 20, 15]));
    await run(500);
    expect(repository.commitsFor(id)).toEqual([{ id, taskNumbers: [], doneCount: -1, finished: true }]);
    expect(counters.current).toMatchObject({ produced: 1, completed: 1, open: 0 });
    expect(processor.trackedIds().length).toBe(0);
    await processor.stop();
  });

  it('retries completions after a failed commit, without losing or double-counting them', async () => {
    const { store: repository, counters, processor, add, run } = setup();
    repository.failNext = 2;
    const id = add(story([10, 10]));
    await run(1000);
    const commits = repository.commitsFor(id);
    expect(commits).toHaveLength(1);
    expect(commits[0]).toMatchObject({ finished: true });
    expect(repository.status.get(id)?.done).toBe(true);
    expect(counters.current.completed).toBe(1);
    await processor.stop();
  });

  it('does not count a story another writer already turned Done, nor tell it Done by us', async () => {
    const { store: repository, counters, processor, add, run } = setup();
    const changes: string[] = [];
    processor.changes.add((_story, change) => changes.push(change));
    const mine = add(story([10]));
    const id = add(story([10]));
    repository.status.set(id, { done: true, attempt: 'another-replica' }); // it finished the story first
    await run(400);
    expect(repository.commitsFor(id)).toHaveLength(1);
    expect(counters.current.completed).toBe(1);
    expect(processor.trackedIds().length).toBe(0);
    // Counted (latency, histogram, retention) by whoever stored it: here only ours; the other just leaves.
    expect(changes.filter((c) => c !== 'progress').sort()).toEqual(['done', 'doneElsewhere']);
    expect(repository.status.get(mine)).toMatchObject({ done: true });
    await processor.stop();
  });

  it("writes a long story's progress at most once per progress interval", async () => {
    const { store: repository, processor, add, run } = setup({ min: 1, max: 1 });
    const id = add(story(Array.from({ length: 100 }, () => 20))); // 2 s on one worker
    await run(2600);
    const commits = repository.commitsFor(id);
    const progress = commits.filter((c) => !c.finished);
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(progress.length).toBeLessThanOrEqual(2);
    expect(commits.at(-1)).toMatchObject({ finished: true });
    // Progress names each task at most once, with the running committed count.
    const written = progress.flatMap((c) => c.taskNumbers);
    expect(new Set(written).size).toBe(written.length);
    expect(progress.at(-1)?.doneCount).toBe(written.length);
    await processor.stop();
  });

  it('forgets a deleted story: its queued tasks leave the backlog and nothing more is committed', async () => {
    const { store: repository, processor, add, run } = setup({ min: 1, max: 1 });
    const first = add(story([100], 0));
    const victim = add(story([50, 50, 50], 1));
    expect(processor.load).toMatchObject({ busyWorkers: 1, backlogTasks: 3 });
    processor.forget(victim);
    expect(processor.load.backlogTasks).toBe(0);
    await run(600);
    expect(repository.commitsFor(victim)).toHaveLength(0);
    expect(repository.commitsFor(first)).toHaveLength(1);
    await processor.stop();
  });

  it('commits every completion at stop, due or not, and runs nothing after', async () => {
    const { store: repository, processor, add, run } = setup({ min: 1, max: 1 });
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

  it('at stop, retries a commit that fails (a database briefly away) until it lands, within stopRetryMs', async () => {
    const { store, processor, add, run } = setup({ min: 1, max: 1 }, 1_000_000, 1000);
    const running = add(story(Array.from({ length: 50 }, () => 20)));
    await run(300);
    store.failNext = 3; // the stop's first commit and two retries fail
    const stopped = processor.stop();
    await run(1000);
    await stopped;
    expect(store.commitsFor(running)).toHaveLength(1);
    expect(store.commitsFor(running)[0]?.doneCount).toBeGreaterThanOrEqual(10);
  });

  it('at stop, gives up after stopRetryMs when the database stays away (the tasks run again at the next start)', async () => {
    const { store, processor, add, run, clock } = setup({ min: 1, max: 1 }, 1_000_000, 1000);
    const id = add(story(Array.from({ length: 50 }, () => 20)));
    await run(300);
    store.failNext = 1000;
    const stopAt = clock.now();
    let stoppedAt = 0;
    const stopped = processor.stop().then(() => (stoppedAt = clock.now()));
    await run(2000);
    await stopped;
    expect(stoppedAt - stopAt).toBeGreaterThanOrEqual(1000);
    expect(stoppedAt - stopAt).toBeLessThan(1000 + 200 + 10);
    expect(store.commitsFor(id)).toHaveLength(0);
  });

  it('commits a finished story at once, not at the next interval', async () => {
    const { store, processor, add, clock } = setup();
    const id = add(story([10]));
    clock.advanceBy(10);
    await settle();
    expect(store.commitsFor(id)).toHaveLength(1);
    await processor.stop();
  });

  it('completes every story that finished meanwhile in one write (group commit)', async () => {
    const { store, counters, processor, add, clock } = setup({ min: 100, max: 100 });
    const ids = Array.from({ length: 50 }, (_, i) => add(story([10 + (i % 3)], i)));
    await settle();
    clock.advanceBy(12);
    await settle();
    // Fifty stories that finished within the same few ms: at most a few writes, not fifty.
    expect(store.completeCalls.length).toBeLessThanOrEqual(3);
    expect(store.completeCalls.flat().sort()).toEqual([...ids].sort());
    expect(counters.current).toMatchObject({ completed: 50, open: 0 });
    await processor.stop();
  });

  it('counts each story once when a failed completion write had landed after all', async () => {
    const { store, counters, processor, add, run } = setup();
    store.failNext = 1;
    store.failMode = 'landed'; // applied, then the answer was lost (a timeout)
    const a = add(story([10], 0));
    const b = add(story([10], 0));
    await run(1000);
    expect(store.completeCalls.length).toBeGreaterThanOrEqual(2); // the retry
    expect([store.status.get(a)?.done, store.status.get(b)?.done]).toEqual([true, true]);
    expect(counters.current).toMatchObject({ completed: 2, open: 0 });
    expect(processor.trackedIds().length).toBe(0);
    await processor.stop();
  });

  it('backs off while commits fail (100 ms doubling to 5 s), however many stories finish, then commits each once', async () => {
    const { store, counters, processor, add, run } = setup({ min: 50, max: 50 });
    store.failNext = 1_000_000;
    const ids: string[] = [];
    // 30 s of an outage under load: a story finishing every 50 ms.
    for (let i = 0; i < 600; i++) {
      ids.push(add(story([10, 20], i)));
      await run(50);
    }
    // 100, 200, 400 … 3,200, then every 5 s: about a dozen attempts, not one per completion or tick.
    expect(store.attempts).toBeGreaterThanOrEqual(8);
    expect(store.attempts).toBeLessThanOrEqual(14);
    store.failNext = 0;
    await run(6000);
    expect(ids.every((id) => store.status.get(id)?.done)).toBe(true);
    expect(counters.current).toMatchObject({ completed: 600, open: 0 });
    await processor.stop();
  });

  it('a retry does not count a story that someone else turned Done meanwhile', async () => {
    const { store, counters, processor, add, run } = setup();
    store.failNext = 1; // lost: nothing applied
    const a = add(story([10]));
    await run(20);
    store.status.set(a, { done: true, attempt: 'another-replica' });
    await run(1000);
    expect(counters.current.completed).toBe(0);
    expect(processor.trackedIds().length).toBe(0);
    await processor.stop();
  });

  it('frees the workers of a deleted story at once', async () => {
    const { processor, add } = setup({ min: 10, max: 10 });
    const big = add(story(Array.from({ length: 20 }, () => 60_000)));
    expect(processor.load.busyWorkers).toBe(9); // all but the reserve
    processor.forget(big);
    expect(processor.load).toMatchObject({ busyWorkers: 0, backlogTasks: 0 });
    await processor.stop();
  });

  it('admits work up to its bound and releases it when stories finish or are deleted', async () => {
    const { processor, admission, add, run } = setup({ min: 4, max: 100 }, 10);
    add(story([10, 10, 10, 10, 10, 10]));
    const second = add(story([60_000, 60_000, 60_000, 60_000]));
    expect(admission.openTasks).toBe(10);
    expect(() => admission.reserve(1)).toThrow(OverloadedError);
    await run(100);
    expect(admission.openTasks).toBe(4); // the first story is Done
    processor.forget(second);
    expect(admission.openTasks).toBe(0);
    const release = admission.reserve(10);
    release(); // a create whose insert failed gives its reservation back
    expect(admission.openTasks).toBe(0);
    await processor.stop();
  });

  it('a small story posted behind ten big ones finishes within its estimate plus a commit', async () => {
    const { store, processor, add, clock } = setup({ min: 4, max: 1000 });
    for (let i = 0; i < 10; i++)
      add(
        story(
          Array.from({ length: 1000 }, () => 60_000),
          i,
        ),
      );
    const small = add(story([5], 100));
    clock.advanceBy(5);
    await settle();
    expect(store.status.get(small)?.done).toBe(true);
    await processor.stop();
  });

  describe('a story whose insert is in flight', () => {
    it('runs its tasks at once but commits nothing of it until it is stored, then turns Done exactly once', async () => {
      const { store, counters, processor, admission, run } = setup();
      const work = story([10, 20]);
      const running = processor.addWhileStoring(work, admission.reserve(2));
      await run(50);
      // Both tasks ran (the pool did not wait for the insert), yet neither progress nor Done was written.
      expect(processor.progressOf(work.id)?.doneCount).toBe(2);
      expect(store.commitsFor(work.id)).toEqual([]);
      // Stored: committed at once, not at the next progress tick.
      store.status.set(work.id, { done: false, attempt: null });
      counters.storyProduced();
      running.stored();
      await run(10);
      expect(store.commitsFor(work.id)).toEqual([{ id: work.id, taskNumbers: [], doneCount: -1, finished: true }]);
      expect(processor.progressOf(work.id)).toBeNull();
      expect(counters.current).toMatchObject({ completed: 1, open: 0 });
      expect(admission.openTasks).toBe(0);
    });

    it('abandoned (the insert failed): leaves without a trace, and the reservation stays with the caller', async () => {
      const { store, processor, admission, run } = setup();
      const work = story([1000]);
      const release = admission.reserve(1);
      const running = processor.addWhileStoring(work, release);
      await run(20);
      expect(processor.load.busyWorkers).toBe(1);
      running.abandon();
      await run(2000);
      expect(processor.progressOf(work.id)).toBeNull();
      expect(processor.load.busyWorkers).toBe(0);
      expect(store.commitsFor(work.id)).toEqual([]);
      // Still held: an insert of unknown outcome keeps its reservation until it is settled.
      expect(admission.openTasks).toBe(1);
      release();
      expect(admission.openTasks).toBe(0);
    });
  });
});
