import { describe, expect, it } from '@jest/globals';
import { FairQueue } from '../../src/processing/fair-queue.js';
import { makeStory } from '../support/stories.js';

const label = (q: FairQueue, allowLong = true) => {
  const s = q.take(allowLong);
  return s ? `${s.id}:${s.taskNs[s.cursor - 1]}` : undefined;
};
const drain = (q: FairQueue, allowLong = true) => {
  const out: string[] = [];
  for (let l = label(q, allowLong); l; l = label(q, allowLong)) out.push(l);
  return out;
};

describe('FairQueue', () => {
  it('is empty at first', () => {
    const q = new FairQueue(1000);
    expect(q.take(true)).toBeUndefined();
    expect(q.backlogTasks).toBe(0);
    expect(q.backlogWorkMs).toBe(0);
  });

  it("runs a burst of similar stories in arrival order, each story's tasks back to back", () => {
    const q = new FairQueue(1000);
    // Arrivals 10 ms apart, work within a few ms of each other: arrival decides.
    for (let i = 0; i < 5; i++) q.push(makeStory(`s${i}`, [15 - i, 10 + i, 12], i * 10));
    expect(drain(q)).toEqual(['s0', 's1', 's2', 's3', 's4'].flatMap((id) => [`${id}:1`, `${id}:2`, `${id}:3`]));
  });

  it('a small story posted after big ones goes first', () => {
    const q = new FairQueue(1000);
    for (let i = 0; i < 10; i++)
      q.push(
        makeStory(
          `big${i}`,
          Array.from({ length: 1000 }, () => 60_000),
          i,
        ),
      );
    q.take(true); // big0 is running
    q.push(makeStory('small', [5], 1000));
    expect(label(q)).toBe('small:1');
    expect(label(q)).toBe('big0:2');
  });

  it('does not starve a big story: its deadline is fixed, later arrivals rank behind it once it has passed', () => {
    const q = new FairQueue(10);
    // 10 tasks of 100 ms over 10 workers: deadline = arrival + 100 ms.
    q.push(
      makeStory(
        'big',
        Array.from({ length: 10 }, () => 100),
        0,
      ),
    );
    q.push(makeStory('early', [1], 50)); // before the big story's deadline: goes first
    q.push(makeStory('late', [1], 150)); // after it: waits
    expect(drain(q)).toEqual(['early:1', ...Array.from({ length: 10 }, (_, i) => `big:${i + 1}`), 'late:1']);
  });

  it('a story that started keeps its place (its deadline only moves earlier as it is served)', () => {
    const q = new FairQueue(1000);
    q.push(makeStory('A', [100, 100, 100], 0)); // deadline 0.3
    expect(label(q)).toBe('A:1'); // now 0.2
    q.push(makeStory('B', [1], 0.25)); // deadline 0.251: after A's current one
    expect(drain(q)).toEqual(['A:2', 'A:3', 'B:1']);
  });

  it('without allowLong hands out only stories whose tasks are all short', () => {
    const q = new FairQueue(1000);
    q.push(makeStory('long', [10, 300], 0)); // a task over 250 ms
    q.push(makeStory('short', [10, 20], 5));
    expect(drain(q, false)).toEqual(['short:1', 'short:2']);
    expect(drain(q, true)).toEqual(['long:1', 'long:2']);
  });

  it('keeps backlogTasks and backlogWorkMs exact through push, take and remove', () => {
    const q = new FairQueue(1000);
    const a = makeStory('A', [10, 20, 30], 0);
    const b = makeStory('B', [1, 2, 3, 4], 100);
    q.push(a);
    expect([q.backlogTasks, q.backlogWorkMs]).toEqual([3, 60]);
    q.push(b);
    expect([q.backlogTasks, q.backlogWorkMs]).toEqual([7, 70]);
    expect(label(q)).toBe('A:1');
    expect([q.backlogTasks, q.backlogWorkMs]).toEqual([6, 60]);
    q.remove(a);
    expect([q.backlogTasks, q.backlogWorkMs]).toEqual([4, 10]);
    q.remove(a); // twice: no double count
    expect([q.backlogTasks, q.backlogWorkMs]).toEqual([4, 10]);
    expect(label(q)).toBe('B:1');
    expect([q.backlogTasks, q.backlogWorkMs]).toEqual([3, 9]);
    drain(q);
    expect([q.backlogTasks, q.backlogWorkMs]).toEqual([0, 0]);
  });

  it('queues only the tasks after the cursor (a story resumed part-way), and nothing of a finished one', () => {
    const q = new FairQueue(1000);
    const s = makeStory('A', [10, 20, 30, 40]);
    s.cursor = 2;
    q.push(s);
    expect([q.backlogTasks, q.backlogWorkMs]).toEqual([2, 70]);
    expect(drain(q)).toEqual(['A:3', 'A:4']);
    const done = makeStory('D', [1]);
    done.cursor = 1;
    q.push(done);
    expect(q.backlogTasks).toBe(0);
    expect(q.take(true)).toBeUndefined();
  });

  it('removing a story mid-way drops only its remaining tasks, and it is skipped', () => {
    const q = new FairQueue(1000);
    const a = makeStory('A', [1, 1, 1], 0);
    const b = makeStory('B', [2, 2, 2], 1);
    const c = makeStory('C', [3], 2);
    q.push(a);
    q.push(b);
    q.push(c);
    q.take(true);
    q.take(true); // A:1, A:2 handed out
    q.remove(a);
    q.remove(b); // never started
    q.remove(a); // again (deleted while disowned): nothing left to drop
    expect([q.backlogTasks, q.backlogWorkMs]).toEqual([1, 3]);
    expect(drain(q)).toEqual(['C:1']);
  });

  it('keeps arrival order and exact totals over many stories', () => {
    const q = new FairQueue(1000);
    const expected: string[] = [];
    for (let i = 0; i < 3000; i++) {
      q.push(makeStory(`s${i}`, [1, 2], i));
      expected.push(`s${i}:1`, `s${i}:2`);
    }
    expect([q.backlogTasks, q.backlogWorkMs]).toEqual([6000, 9000]);
    expect(drain(q)).toEqual(expected);
    expect([q.backlogTasks, q.backlogWorkMs]).toEqual([0, 0]);
  });
});
