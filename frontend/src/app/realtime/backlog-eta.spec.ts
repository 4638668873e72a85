import { describe, expect, it } from '@jest/globals';
import { statsSample } from '../testing/stats-sample';
import { backlogEta, describeEta, formatSeconds } from './backlog-eta';

const sample = statsSample;

describe('backlog ETA', () => {
  it('clears at the completion rate of the last 5 s', () => {
    const samples = [0, 1, 2, 3, 4, 5].map((t) => sample(t, { backlogTasks: 9000 - t * 1000, tasksDonePerSec: 1000, oldestOpenAgeSec: 6 }));
    const eta = backlogEta(samples)!;
    expect(eta).toEqual({ state: 'clears', seconds: 4, ratePerSec: 1000, oldestAgeSec: 6 });
    expect(describeEta(eta)).toBe('The backlog clears in ≈ 4 s at the current 1,000 tasks/s.');
  });

  it('says it grows when the backlog is larger than a second before although tasks complete', () => {
    const samples = [0, 1, 2, 3, 4].map((t) => sample(t, { backlogTasks: 100 + t * 50, tasksDonePerSec: 300 }));
    expect(backlogEta(samples)?.state).toBe('grows');
    expect(describeEta(backlogEta(samples))).toBe('The backlog grows: more arrives than the 300 tasks/s completed.');
    // The burst stopped arriving: from the next second on, it clears.
    const after = [...samples, sample(5, { backlogTasks: 200, tasksDonePerSec: 300 })];
    expect(backlogEta(after)).toMatchObject({ state: 'clears', seconds: 1 });
  });

  it('says nothing completes (paused) and when there is no backlog, and no figures without samples', () => {
    expect(backlogEta([sample(0, { backlogTasks: 50, tasksDonePerSec: 0 })])?.state).toBe('stalled');
    expect(backlogEta([sample(0, { oldestOpenAgeSec: null })])).toEqual({
      state: 'none',
      seconds: null,
      ratePerSec: 0,
      oldestAgeSec: null,
    });
    expect(describeEta(backlogEta([]))).toBe('No figures yet.');
  });

  it('formats seconds, minutes and hours', () => {
    expect([formatSeconds(40), formatSeconds(125), formatSeconds(7260)]).toEqual(['40 s', '2 min 5 s', '2 h 1 min']);
  });
});
