import type { TaskDto } from '@storyflow/contracts';

/** One task on the timeline: when it ran (epoch ms) and on which lane. */
export interface TimelineBar {
  n: number;
  start: number;
  end: number;
  lane: number;
  state: 'done' | 'running';
}

export interface TimelineLayout {
  bars: TimelineBar[];
  lanes: number;
  from: number;
  to: number;
  /** Most tasks that ran at the same moment (before lanes were capped). */
  peakParallel: number;
}

/**
 * Places the tasks that ran or are running on lanes, like workers: a task takes the first lane free
 * at its start. A Done task ran from `doneAt − estimate` to `doneAt`; a running one from when this page
 * first saw it running (the server does not say) until now. Past `maxLanes`, a task shares the lane
 * that frees first, so a very parallel story still fits.
 */
export function layoutTimeline(
  tasks: readonly TaskDto[],
  running: readonly number[],
  firstSeenRunning: ReadonlyMap<number, number>,
  now: number,
  maxLanes: number,
): TimelineLayout {
  const runningSet = new Set(running);
  const spans: Omit<TimelineBar, 'lane'>[] = [];
  for (const task of tasks) {
    if (task.status === 'Done' && task.doneAt !== null) {
      const end = Date.parse(task.doneAt);
      if (!Number.isNaN(end)) spans.push({ n: task.n, start: end - task.estimate, end, state: 'done' });
    } else if (runningSet.has(task.n)) {
      const start = firstSeenRunning.get(task.n) ?? now;
      spans.push({ n: task.n, start, end: Math.max(now, start + 1), state: 'running' });
    }
  }
  spans.sort((a, b) => a.start - b.start || a.n - b.n);
  const laneEnds: number[] = [];
  const bars: TimelineBar[] = [];
  let peakParallel = 0;
  const active: number[] = [];
  for (const span of spans) {
    // Ends of the spans still running at this start, for the peak.
    while (active.length > 0 && active[0] <= span.start) active.shift();
    active.push(span.end);
    active.sort((a, b) => a - b);
    peakParallel = Math.max(peakParallel, active.length);

    let lane = laneEnds.findIndex((end) => end <= span.start);
    if (lane === -1 && laneEnds.length < maxLanes) lane = laneEnds.length;
    if (lane === -1) lane = laneEnds.indexOf(Math.min(...laneEnds));
    laneEnds[lane] = Math.max(laneEnds[lane] ?? 0, span.end);
    bars.push({ ...span, lane });
  }
  const from = bars.length > 0 ? Math.min(...bars.map((b) => b.start)) : now;
  const to = bars.length > 0 ? Math.max(...bars.map((b) => b.end)) : now;
  return { bars, lanes: laneEnds.length, from, to: Math.max(to, from + 1), peakParallel };
}
