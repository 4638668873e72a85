import type { TaskDto } from '@storyflow/contracts';
import type { BacklogEta } from '../realtime/backlog-eta';
import { storyTiming, waitingEstimate, type StoryTimingInput } from './story-timing';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const iso = (ms: number) => new Date(T0 + ms).toISOString();

function story(over: Partial<StoryTimingInput> = {}): StoryTimingInput {
  return {
    status: 'Open',
    taskCount: 1000,
    doneCount: 0,
    runningTasks: 0,
    estimateMs: 1000 * 5000,
    createdAt: iso(0),
    startedAt: null,
    completedAt: null,
    ...over,
  };
}

describe('storyTiming', () => {
  it('is waiting in the queue before its first task starts', () => {
    expect(storyTiming(story(), T0 + 3000)).toEqual({ elapsedMs: null, etaMs: null, waitingMs: 3000 });
  });

  it('early on, estimates from the tasks running now (1000 × 5 s on 8 workers ≈ 10 min)', () => {
    const t = storyTiming(story({ startedAt: iso(1000), runningTasks: 8 }), T0 + 2000);
    expect(t.elapsedMs).toBe(1000);
    expect(t.etaMs).toBe((1000 * 5000) / 8);
  });

  it('later, from the pace so far', () => {
    // 100 tasks of 5 s done in 50 s: 10 tasks' worth per 5 s, so 900 more need 450 s.
    const t = storyTiming(story({ startedAt: iso(0), doneCount: 100, runningTasks: 8 }), T0 + 50_000);
    expect(t.elapsedMs).toBe(50_000);
    expect(t.etaMs).toBeCloseTo(450_000);
  });

  it('uses the exact work left when the tasks are known', () => {
    const tasks: TaskDto[] = [
      { n: 1, estimate: 1000, status: 'Done', doneAt: iso(1000) },
      { n: 2, estimate: 3000, status: 'Open', doneAt: null },
    ];
    const t = storyTiming(story({ taskCount: 2, doneCount: 1, estimateMs: 4000, startedAt: iso(0) }), T0 + 2000, tasks);
    // 1 s of work in 2 s: half a worker; 3 s left → 6 s.
    expect(t.etaMs).toBeCloseTo(6000);
  });

  it('says nothing it cannot know: started but nothing done or running', () => {
    expect(storyTiming(story({ startedAt: iso(0) }), T0 + 500).etaMs).toBeNull();
  });

  it('a Done story took from its first start to its completion', () => {
    const t = storyTiming(story({ status: 'Done', doneCount: 1000, startedAt: iso(1000), completedAt: iso(61_000) }), T0 + 999_999);
    expect(t).toEqual({ elapsedMs: 60_000, etaMs: null, waitingMs: null });
  });

  it('estimates a waiting story from the backlog it waits in', () => {
    const eta = (over: Partial<BacklogEta>): BacklogEta => ({ state: 'clears', seconds: 90, ratePerSec: 1234.4, oldestAgeSec: 3, ...over });
    expect(waitingEstimate(eta({}))).toBe('≈ 1 min 30 s at most: the backlog clears then, at the current 1,234 tasks/s');
    expect(waitingEstimate(eta({ state: 'grows', seconds: null }))).toBe('unknown yet: the backlog grows');
    expect(waitingEstimate(eta({ state: 'stalled', seconds: null }))).toBe('unknown yet: nothing completes (processing paused?)');
    expect(waitingEstimate(null)).toBe('unknown yet');
  });
});
