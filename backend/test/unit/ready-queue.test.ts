import { describe, expect, it } from '@jest/globals';
import { ReadyQueue } from '../../src/processing/ready-queue.js';
import { makeStory } from '../support/stories.js';

const drain = (q: ReadyQueue) => {
  const out: string[] = [];
  for (let item = q.take(); item; item = q.take()) out.push(`${item.story.id}:${item.task.n}`);
  return out;
};

describe('ReadyQueue', () => {
  it('is empty at first', () => {
    const q = new ReadyQueue();
    expect(q.take()).toBeUndefined();
    expect(q.backlogTasks).toBe(0);
    expect(q.backlogWorkMs).toBe(0);
  });

  it("hands out all of a story's tasks, in order, before the next story's", () => {
    const q = new ReadyQueue();
    q.push(makeStory('A', [10, 20, 30]));
    q.push(makeStory('B', [5, 6]));
    expect(q.take()?.task.n).toBe(1);
    q.push(makeStory('C', [7]));
    expect(drain(q)).toEqual(['A:2', 'A:3', 'B:1', 'B:2', 'C:1']);
    expect(q.take()).toBeUndefined();
  });

  it('keeps backlogTasks and backlogWorkMs exact through push, take and remove', () => {
    const q = new ReadyQueue();
    const a = makeStory('A', [10, 20, 30]);
    const b = makeStory('B', [1, 2, 3, 4]);
    q.push(a);
    expect([q.backlogTasks, q.backlogWorkMs]).toEqual([3, 60]);
    q.push(b);
    expect([q.backlogTasks, q.backlogWorkMs]).toEqual([7, 70]);
    expect(q.take()?.task.estimate).toBe(10);
    expect([q.backlogTasks, q.backlogWorkMs]).toEqual([6, 60]);
    q.remove(a);
    expect([q.backlogTasks, q.backlogWorkMs]).toEqual([4, 10]);
    q.remove(a); // twice: no double count
    expect([q.backlogTasks, q.backlogWorkMs]).toEqual([4, 10]);
    expect(q.take()?.task.estimate).toBe(1);
    expect([q.backlogTasks, q.backlogWorkMs]).toEqual([3, 9]);
    drain(q);
    expect([q.backlogTasks, q.backlogWorkMs]).toEqual([0, 0]);
  });

  it('queues only the tasks after the cursor (a story resumed part-way)', () => {
    const q = new ReadyQueue();
    const s = makeStory('A', [10, 20, 30, 40]);
    s.cursor = 2;
    q.push(s);
    expect([q.backlogTasks, q.backlogWorkMs]).toEqual([2, 70]);
    expect(drain(q)).toEqual(['A:3', 'A:4']);
    const done = makeStory('D', [1]);
    done.cursor = 1;
    q.push(done);
    expect(q.backlogTasks).toBe(0);
    expect(q.take()).toBeUndefined();
  });

  it('removing a story mid-way drops only its remaining tasks, and it is skipped', () => {
    const q = new ReadyQueue();
    const a = makeStory('A', [1, 1, 1]);
    const b = makeStory('B', [2, 2, 2]);
    const c = makeStory('C', [3]);
    q.push(a);
    q.push(b);
    q.push(c);
    q.take();
    q.take(); // A:1, A:2 handed out
    q.remove(a);
    q.remove(b); // never started
    expect(a.removed).toBe(true);
    expect([q.backlogTasks, q.backlogWorkMs]).toEqual([1, 3]);
    expect(drain(q)).toEqual(['C:1']);
  });

  it('removing a story that is not at the head leaves the others in order', () => {
    const q = new ReadyQueue();
    const stories = ['A', 'B', 'C', 'D'].map((id) => makeStory(id, [1, 1]));
    for (const s of stories) q.push(s);
    q.remove(stories[2]!);
    expect(drain(q)).toEqual(['A:1', 'A:2', 'B:1', 'B:2', 'D:1', 'D:2']);
  });

  it('keeps FIFO order and exact totals across compaction (> 1024 consumed stories)', () => {
    const q = new ReadyQueue();
    const expected: string[] = [];
    let next = 0;
    const pushMany = (n: number) => {
      for (let i = 0; i < n; i++, next++) {
        const id = `s${next}`;
        q.push(makeStory(id, [1, 2]));
        expected.push(`${id}:1`, `${id}:2`);
      }
    };
    const taken: string[] = [];
    const takeMany = (n: number) => {
      for (let i = 0; i < n; i++) {
        const item = q.take();
        if (!item) break;
        taken.push(`${item.story.id}:${item.task.n}`);
      }
    };
    pushMany(2000);
    takeMany(2 * 1200); // consumes 1200 stories (> 1024 and more than half of 2000): compacts
    pushMany(500);
    expect(q.backlogTasks).toBe(2 * (2000 - 1200 + 500));
    expect(q.backlogWorkMs).toBe(3 * (2000 - 1200 + 500));
    takeMany(2 * 500);
    pushMany(1500);
    takeMany(2 * 2300);
    expect(q.backlogTasks).toBe(0);
    expect(taken).toEqual(expected);
    expect(q.take()).toBeUndefined();
  });

  it('skips removed stories on both sides of the compaction point', () => {
    const removedIds = new Set(['s3', 's1030', 's1500', 's2100']);

    const q2 = new ReadyQueue();
    const all = Array.from({ length: 3000 }, (_, i) => makeStory(`s${i}`, [1]));
    for (const s of all.slice(0, 2200)) q2.push(s);
    for (const s of all) if (removedIds.has(s.id)) q2.remove(s);
    const got: string[] = [];
    for (let i = 0; i < 1100; i++) got.push(q2.take()!.story.id);
    for (const s of all.slice(2200)) q2.push(s);
    for (let item = q2.take(); item; item = q2.take()) got.push(item.story.id);
    expect(got).toEqual(all.map((s) => s.id).filter((id) => !removedIds.has(id)));
    expect(q2.backlogTasks).toBe(0);
    expect(q2.backlogWorkMs).toBe(0);
  });
});
