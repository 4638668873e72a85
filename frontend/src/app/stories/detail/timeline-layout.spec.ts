import type { TaskDto } from '@storyflow/contracts';
import { layoutTimeline } from './timeline-layout';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const done = (n: number, estimate: number, endMs: number): TaskDto => ({
  n,
  estimate,
  status: 'Done',
  doneAt: new Date(T0 + endMs).toISOString(),
});
const open = (n: number, estimate = 100): TaskDto => ({ n, estimate, status: 'Open', doneAt: null });

describe('layoutTimeline', () => {
  it('places tasks that overlap on separate lanes and reuses a lane once free', () => {
    // 1: 0–100, 2: 50–150, 3: 100–200 (takes lane 0 again).
    const layout = layoutTimeline([done(1, 100, 100), done(2, 100, 150), done(3, 100, 200), open(4)], [], new Map(), T0 + 1000, 8);
    expect(layout.bars.map((b) => [b.n, b.lane, b.start - T0, b.end - T0])).toEqual([
      [1, 0, 0, 100],
      [2, 1, 50, 150],
      [3, 0, 100, 200],
    ]);
    expect(layout.lanes).toBe(2);
    expect(layout.peakParallel).toBe(2);
    expect([layout.from - T0, layout.to - T0]).toEqual([0, 200]);
  });

  it('draws a running task from when it was first seen until now; waiting ones not at all', () => {
    const layout = layoutTimeline([done(1, 100, 100), open(2), open(3)], [2], new Map([[2, T0 + 150]]), T0 + 400, 8);
    expect(layout.bars.find((b) => b.n === 2)).toMatchObject({ state: 'running', start: T0 + 150, end: T0 + 400 });
    expect(layout.bars.some((b) => b.n === 3)).toBe(false);
  });

  it('caps the lanes: past the cap a task shares the lane that frees first', () => {
    const tasks = Array.from({ length: 10 }, (_, i) => done(i + 1, 1000, 1000 + i));
    const layout = layoutTimeline(tasks, [], new Map(), T0 + 5000, 4);
    expect(layout.lanes).toBe(4);
    expect(layout.peakParallel).toBe(10);
    expect(Math.max(...layout.bars.map((b) => b.lane))).toBe(3);
  });

  it('is empty before any task ran', () => {
    const layout = layoutTimeline([open(1)], [], new Map(), T0, 8);
    expect(layout.bars).toEqual([]);
    expect(layout.to).toBeGreaterThan(layout.from);
  });
});
