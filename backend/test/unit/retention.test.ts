import { describe, expect, it } from '@jest/globals';
import { createLogger } from '../../src/logger.js';
import { CounterCache } from '../../src/stats/counter-cache.js';
import { Retention, type RetentionOptions } from '../../src/stories/retention.js';
import { RetentionCandidates } from '../../src/stories/retention-candidates.js';
import { FakeClock } from '../support/fake-clock.js';

describe('RetentionCandidates (purge candidates without queries)', () => {
  it('hands out the oldest completions first, by age or by count, and forgets them', () => {
    const done = new RetentionCandidates(100);
    done.add('a', 10, 1_000);
    done.add('b', 20, 2_000);
    done.add('c', 30, 3_000);
    expect(done.take(5, 2_500).map((r) => r.id)).toEqual(['a', 'b']);
    expect(done.size).toBe(1);
    done.add('d', 40, 4_000);
    expect(done.take(1)).toEqual([{ id: 'c', status: 'Done', taskCount: 30, completedAt: 3_000 }]);
  });

  it('forgets a story deleted meanwhile, and puts back a batch whose removal failed, in front', () => {
    const done = new RetentionCandidates(100);
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

describe('RetentionCandidates is bounded', () => {
  it('lists at most its capacity; past it, it is incomplete for good and holds nothing (the database knows the order)', () => {
    const done = new RetentionCandidates(3);
    for (let i = 0; i < 3; i++) done.add(`s${i}`, 1, i);
    expect([done.size, done.incomplete]).toEqual([3, false]);
    done.add('s3', 1, 3);
    expect([done.size, done.incomplete]).toEqual([0, true]);
    done.add('s4', 1, 4);
    expect(done.take(10)).toEqual([]);
  });
});

describe('Retention', () => {
  /** A database holding `stored` Done stories that only answers the purge's query for them. */
  function retentionOver(stored: number, options: Partial<RetentionOptions>) {
    const found: number[] = [];
    let left = stored;
    const ledger: RetentionOptions['ledger'] = {
      purge: (refs) => Promise.resolve({ open: 0, done: refs.length, doneTasks: refs.length }),
      purgeOldest: (batch) => {
        const n = Math.min(batch, left);
        left -= n;
        found.push(n);
        const refs = Array.from({ length: n }, (_, i) => ({ id: `db${i}`, status: 'Done' as const, taskCount: 1 }));
        return Promise.resolve({ refs, removed: { open: 0, done: n, doneTasks: n } });
      },
    };
    const counters = new CounterCache();
    const retention = new Retention({
      repository: { doneRefs: () => Promise.resolve([]) },
      ledger,
      counters,
      retentionMs: 0,
      maxDoneTasks: 0,
      sweepMs: 1000,
      shared: false,
      clock: new FakeClock(1_000_000),
      logger: createLogger({ level: 'silent', pretty: false }),
      ...options,
    });
    return { retention, found, counters };
  }

  it('keeps nothing per finished story while retention is off (memory does not grow with the stories finished)', () => {
    const { retention } = retentionOver(0, {});
    for (let i = 0; i < 100_000; i++) retention.noteStoredDone(`s${i}`, 50, i);
    expect(retention.listed).toBe(0);
  });

  it('purges by age from its list without a query while it holds them all, from the database once it cannot', async () => {
    const listed = retentionOver(7, { retentionMs: 1, capacity: 5 });
    for (let i = 0; i < 5; i++) listed.retention.noteStoredDone(`s${i}`, 1, i);
    expect(await listed.retention.sweep()).toBe(5);
    expect(listed.found).toEqual([]);
    const overflowing = retentionOver(7, { retentionMs: 1, capacity: 5 });
    for (let i = 0; i < 12; i++) overflowing.retention.noteStoredDone(`s${i}`, 1, i);
    expect(overflowing.retention.listed).toBe(0);
    expect(await overflowing.retention.sweep()).toBe(7);
    expect(overflowing.found).toEqual([7]);
  });

  it('counts the stored Done tasks over its bound (held back from admission) and purges down to the bound', async () => {
    const { retention, counters } = retentionOver(0, { maxDoneTasks: 10, capacity: 100, batch: 4 });
    expect(retention.excessDoneTasks()).toBe(0);
    counters.storiesCompleted(15, 15);
    expect(retention.excessDoneTasks()).toBe(5);
    // Passing the bound sweeps at once (no timer here): the oldest go until the bound holds.
    for (let i = 0; i < 15; i++) retention.noteStoredDone(`s${i}`, 1, i);
    for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
    await retention.stop();
    expect([counters.current.storedDoneTasks, retention.listed]).toEqual([10, 10]);
    const unbounded = retentionOver(0, {});
    unbounded.counters.storiesCompleted(15, 15);
    expect(unbounded.retention.excessDoneTasks()).toBe(0);
  });

  it('puts a batch back, oldest first, when the database fails its purge; the next sweep removes it', async () => {
    let fail = true;
    const purged: string[][] = [];
    const ledger: RetentionOptions['ledger'] = {
      purge: (refs) => {
        if (fail) return Promise.reject(new Error('database away'));
        purged.push(refs.map((r) => r.id));
        return Promise.resolve({ open: 0, done: refs.length, doneTasks: refs.length });
      },
      purgeOldest: () => Promise.reject(new Error('not asked: every candidate is listed')),
    };
    const { retention, counters } = retentionOver(0, { retentionMs: 1, capacity: 10, ledger });
    counters.storiesCompleted(3, 3);
    for (const id of ['a', 'b', 'c']) retention.noteStoredDone(id, 1, 0);
    expect(await retention.sweep()).toBe(0);
    expect(retention.listed).toBe(3);
    fail = false;
    expect(await retention.sweep()).toBe(3);
    expect(purged).toEqual([['a', 'b', 'c']]);
  });

  it('asks the database when it lists none and other instances complete stories too (shared)', async () => {
    const alone = retentionOver(4, { retentionMs: 1 });
    expect(await alone.retention.sweep()).toBe(0);
    expect(alone.found).toEqual([]);
    const shared = retentionOver(4, { retentionMs: 1, shared: true });
    expect(await shared.retention.sweep()).toBe(4);
    expect(shared.found).toEqual([4]);
  });

  it('says when a full database may have room again: at once by count, within the age bound, else a minute', () => {
    expect(retentionOver(0, { maxDoneTasks: 10, retentionMs: 30_000 }).retention.roomReturnsAfterSec()).toBe(1);
    expect(retentionOver(0, { retentionMs: 30_000 }).retention.roomReturnsAfterSec()).toBe(30);
    expect(retentionOver(0, { retentionMs: 3_600_000 }).retention.roomReturnsAfterSec()).toBe(60);
    expect(retentionOver(0, {}).retention.roomReturnsAfterSec()).toBe(60);
  });
});
