import type { InstanceFigures, StatsSample } from '@storyflow/contracts/stats';
import { STALE_AFTER_MS, heardText, instanceRows, instancesSummary } from './instance-rows';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

/** An instance that reported `lateMs` after the end of second `sec` (negative: before it). */
function inst(id: string, sec: number, lateMs = 20, over: Partial<InstanceFigures> = {}): InstanceFigures {
  return { id, poolSize: 8, busyWorkers: 3, backlogTasks: 1200, lastSeen: T0 + (sec + 1) * 1000 + lateMs, ...over };
}

function sample(sec: number, instances?: InstanceFigures[]): StatsSample {
  return {
    t: T0 + sec * 1000,
    producedPerSec: 1,
    completedPerSec: 1,
    open: 1,
    completed: 1,
    poolSize: 16,
    busyWorkers: 6,
    backlogTasks: 2400,
    ...(instances ? { instances } : {}),
  };
}

describe('instanceRows', () => {
  it('is null outside cluster mode and without samples', () => {
    expect(instanceRows([], 'a')).toBeNull();
    expect(instanceRows([sample(0), sample(1)], null)).toBeNull();
    // The newest sample decides: a server restarted without REDIS_URL has no breakdown, whatever came before.
    expect(instanceRows([sample(0, [inst('a', 0), inst('b', 0)]), sample(1)], null)).toBeNull();
  });

  it('lists each instance of the newest sample, sorted by id, marking the one this dashboard talks to', () => {
    const rows = instanceRows([sample(0, [inst('b', -5)]), sample(1, [inst('b', 1), inst('a', 1, 300, { busyWorkers: 7 })])], 'b');
    expect(rows).toEqual([
      { id: 'a', state: 'up', poolSize: 8, busyWorkers: 7, backlogTasks: 1200, lastSeen: T0 + 2300, heard: 'now', connected: false },
      { id: 'b', state: 'up', poolSize: 8, busyWorkers: 3, backlogTasks: 1200, lastSeen: T0 + 2020, heard: 'now', connected: true },
    ]);
    expect(instanceRows([sample(1, [inst('a', 1), inst('b', 1)])], null)!.map((r) => r.connected)).toEqual([false, false]);
  });

  it('counts a heartbeat’s age from the end of the newest second (the servers’ clocks), stale after 3 s', () => {
    const rows = (lateMs: number) => instanceRows([sample(10, [inst('a', 10), inst('b', 10, lateMs)])], null)![1];
    expect(rows(-999)).toMatchObject({ heard: 'now', state: 'up' });
    expect(rows(-1000)).toMatchObject({ heard: '1 s ago', state: 'up' });
    expect(rows(-STALE_AFTER_MS + 1)).toMatchObject({ heard: '2 s ago', state: 'up' });
    expect(rows(-STALE_AFTER_MS)).toMatchObject({ heard: '3 s ago', state: 'stale', poolSize: 8, busyWorkers: 3 });
    expect(rows(-4500)).toMatchObject({ heard: '4 s ago', state: 'stale' });
  });

  it('keeps an instance that left the cluster, as gone without figures, while it is in the window', () => {
    const samples = [
      sample(0, [inst('a', 0), inst('b', 0), inst('c', 0)]),
      sample(1, [inst('a', 1), inst('b', 1), inst('c', -2)]),
      sample(2, [inst('a', 2), inst('c', 2)]),
      sample(9, [inst('a', 9), inst('c', 9)]),
    ];
    const rows = instanceRows(samples, 'a')!;
    expect(rows.map((r) => [r.id, r.state, r.heard])).toEqual([
      ['a', 'up', 'now'],
      ['b', 'gone', '7 s ago'],
      ['c', 'up', 'now'],
    ]);
    expect(rows[1]).toMatchObject({ poolSize: null, busyWorkers: null, backlogTasks: null, lastSeen: T0 + 2020, connected: false });
    // Back with the same id: up again, once.
    expect(instanceRows([...samples, sample(10, [inst('a', 10), inst('b', 10), inst('c', 10)])], null)!.map((r) => r.state)).toEqual([
      'up',
      'up',
      'up',
    ]);
  });

  it('words ages and sums up the states', () => {
    expect(heardText(-50)).toBe('now');
    expect(heardText(999)).toBe('now');
    expect(heardText(59_999)).toBe('59 s ago');
    expect(heardText(119_999)).toBe('119 s ago');
    expect(heardText(120_000)).toBe('2 min ago');
    const rows = instanceRows([sample(0, [inst('a', 0), inst('b', 0), inst('c', 0)]), sample(5, [inst('a', 5), inst('b', 0)])], null)!;
    expect(instancesSummary(rows)).toBe('1 up, 1 stale, 1 gone (not in the totals)');
    expect(instancesSummary(rows.slice(0, 1))).toBe('1 up');
    expect(instancesSummary([rows[0], rows[2]])).toBe('1 up, 1 gone');
    expect(instancesSummary(rows.slice(1, 2))).toBe('0 up, 1 stale (not in the totals)');
  });
});
