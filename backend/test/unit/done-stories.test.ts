import { describe, expect, it } from '@jest/globals';
import type { StoryLedger } from '../../src/stories/story-ledger.js';
import type { StoryRepository } from '../../src/stories/story.repository.js';
import { CounterCache } from '../../src/stats/counter-cache.js';
import { DoneStories } from '../../src/stories/done-stories.js';
import { DoneStoryPurge } from '../../src/stories/done-story-purge.js';

describe('DoneStories (retention candidates without queries)', () => {
  it('hands out the oldest completions first, by age or by count, and forgets them', () => {
    const done = new DoneStories(100);
    done.add('a', 10, 1_000);
    done.add('b', 20, 2_000);
    done.add('c', 30, 3_000);
    expect(done.take(5, 2_500).map((r) => r.id)).toEqual(['a', 'b']);
    expect(done.size).toBe(1);
    done.add('d', 40, 4_000);
    expect(done.take(1)).toEqual([{ id: 'c', status: 'Done', taskCount: 30, completedAt: 3_000 }]);
  });

  it('forgets a story deleted meanwhile, and puts back a batch whose removal failed, in front', () => {
    const done = new DoneStories(100);
    for (const [id, at] of [
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ] as const)
      done.add(id, 1, at);
    done.remove('b');
    const batch = done.take(1);
    expect(batch.map((r) => r.id)).toEqual(['a']);
    done.restore(batch);
    expect(done.take(10).map((r) => r.id)).toEqual(['a', 'c']);
  });
});

describe('DoneStories is bounded', () => {
  it('lists at most its capacity; past it, it is incomplete for good and holds nothing (the database knows the order)', () => {
    const done = new DoneStories(3);
    for (let i = 0; i < 3; i++) done.add(`s${i}`, 1, i);
    expect([done.size, done.incomplete]).toEqual([3, false]);
    done.add('s3', 1, 3);
    expect([done.size, done.incomplete]).toEqual([0, true]);
    done.add('s4', 1, 4);
    expect(done.take(10)).toEqual([]);
  });
});

describe('DoneStoryPurge', () => {
  /** A database holding `stored` Done stories that only answers the purge's query for them. */
  function purgeOver(stored: number, options: { retention: boolean; capacity?: number }) {
    const found: number[] = [];
    let left = stored;
    const ledger = {
      purge: async (refs: unknown[]) => ({ open: 0, done: refs.length, doneTasks: refs.length }),
      purgeFound: async (batch: number) => {
        const n = Math.min(batch, left);
        left -= n;
        found.push(n);
        const refs = Array.from({ length: n }, (_, i) => ({ id: `db${i}`, status: 'Done' as const, taskCount: 1 }));
        return { refs, removed: { open: 0, done: n, doneTasks: n } };
      },
    } as unknown as StoryLedger;
    const repository = {} as StoryRepository;
    const purge = new DoneStoryPurge({ repository, ledger, counters: new CounterCache(), shared: false, ...options });
    return { purge, found };
  }

  it('keeps nothing per finished story while retention is off (memory does not grow with the stories finished)', () => {
    const { purge } = purgeOver(0, { retention: false });
    for (let i = 0; i < 100_000; i++) purge.noteStoredDone(`s${i}`, 50, i);
    expect(purge.listed).toBe(0);
  });

  it('with retention, purges from its list without a query while it holds them all, from the database once it cannot', async () => {
    const listed = purgeOver(7, { retention: true, capacity: 5 });
    for (let i = 0; i < 5; i++) listed.purge.noteStoredDone(`s${i}`, 1, i);
    expect(await listed.purge.purge(undefined, 100)).toBe(5);
    expect(listed.found).toEqual([]);
    const overflowing = purgeOver(7, { retention: true, capacity: 5 });
    for (let i = 0; i < 12; i++) overflowing.purge.noteStoredDone(`s${i}`, 1, i);
    expect(overflowing.purge.listed).toBe(0);
    expect(await overflowing.purge.purge(undefined, 100)).toBe(7);
    expect(overflowing.found).toEqual([7]);
  });
});
