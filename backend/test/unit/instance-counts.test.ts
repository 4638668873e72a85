import { describe, expect, it } from '@jest/globals';
import { addCounts, CountsSinceLastSeen, noCounts, type Counts } from '../../src/cluster/instance-counts.js';

const second = (produced: number, latency: number[] = [0, 0, 0]): Counts => ({
  produced,
  completed: produced,
  removed: 0,
  tasksDone: 2 * produced,
  latency,
});

describe('counts since the last report read', () => {
  it('counts a report too late for its second in the next one: nothing lost, nothing twice', () => {
    const seen = new CountsSinceLastSeen();
    let totals = noCounts(3);
    const report = (own: Counts) => {
      totals = addCounts(totals, own);
      return { totals: { ...totals, since: 1 }, own };
    };
    const first = report(second(3, [1, 2, 0]));
    expect(seen.take('a', first.totals, first.own)).toEqual(second(3, [1, 2, 0])); // first sight: its own second
    report(second(5, [0, 5, 0])); // reached Redis too late: the leader never reads it
    const third = report(second(2, [0, 0, 2]));
    expect(seen.take('a', third.totals, third.own)).toEqual(second(7, [0, 5, 2]));
    const fourth = report(second(1, [1, 0, 0]));
    expect(seen.take('a', fourth.totals, fourth.own)).toEqual(second(1, [1, 0, 0]));
  });

  it('an instance that restarted (another `since`, or totals that went down) counts its own second', () => {
    const seen = new CountsSinceLastSeen();
    seen.take('a', { ...second(100), since: 1 }, second(1));
    expect(seen.take('a', { ...second(4), since: 2 }, second(4))).toEqual(second(4));
    expect(seen.take('a', { ...second(3), since: 2 }, second(3))).toEqual(second(3));
  });

  it('forgets instances no longer alive: one that comes back starts afresh', () => {
    const seen = new CountsSinceLastSeen();
    seen.take('a', { ...second(10), since: 1 }, second(10));
    seen.keepOnly(new Set(['b']));
    expect(seen.take('a', { ...second(12), since: 1 }, second(2))).toEqual(second(2));
  });
});
