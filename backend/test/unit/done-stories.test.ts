import { describe, expect, it } from '@jest/globals';
import { DoneStories } from '../../src/stories/done-stories.js';

describe('DoneStories (retention candidates without queries)', () => {
  it('hands out the oldest completions first, by age or by count, and forgets them', () => {
    const done = new DoneStories();
    done.add('a', 10, 1_000);
    done.add('b', 20, 2_000);
    done.add('c', 30, 3_000);
    expect(done.take(5, 2_500).map((r) => r.id)).toEqual(['a', 'b']);
    expect(done.size).toBe(1);
    done.add('d', 40, 4_000);
    expect(done.take(1)).toEqual([{ id: 'c', status: 'Done', taskCount: 30, completedAt: 3_000 }]);
  });

  it('forgets a story deleted meanwhile, and puts back a batch whose removal failed, in front', () => {
    const done = new DoneStories();
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
