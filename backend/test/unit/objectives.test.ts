import { describe, expect, it } from '@jest/globals';
import { latencySecond, type StatsSample } from '@storyflow/contracts';
import { ObjectiveEvaluator } from '../../src/alerts/objectives.js';
import { alertPayload } from '../../src/alerts/webhook-notifier.js';

const sample = (sec: number, over: Partial<StatsSample> = {}): StatsSample => ({
  t: sec * 1000,
  producedPerSec: 0,
  completedPerSec: 0,
  open: 0,
  completed: 0,
  poolSize: 4,
  busyWorkers: 0,
  backlogTasks: 0,
  ...over,
});

describe('ObjectiveEvaluator', () => {
  it('is off when no objective is set', () => {
    const evaluator = new ObjectiveEvaluator({ storyP99Ms: 0, backlogAgeSec: 0, windowSec: 60 });
    expect([evaluator.enabled, evaluator.observe(sample(0, { oldestOpenAgeSec: 999 }))]).toEqual([false, []]);
  });

  it('fires once when the oldest Open story passes its age, and resolves once when it is back (or none is Open)', () => {
    const evaluator = new ObjectiveEvaluator({ storyP99Ms: 0, backlogAgeSec: 30, windowSec: 60 });
    expect(evaluator.observe(sample(0, { oldestOpenAgeSec: 10 }))).toEqual([]);
    const [fired] = evaluator.observe(sample(1, { oldestOpenAgeSec: 31 }));
    expect(fired).toMatchObject({ status: 'firing', startsAt: 2000, endsAt: null, state: { name: 'backlog_age', value: 31, since: 2000 } });
    expect(evaluator.observe(sample(2, { oldestOpenAgeSec: 32 }))).toEqual([]);
    const [resolved] = evaluator.observe(sample(3, { oldestOpenAgeSec: null }));
    expect(resolved).toMatchObject({ status: 'resolved', startsAt: 2000, endsAt: 4000, state: { status: 'ok', since: null } });
  });

  it('judges p99 over the window: a slow second keeps it breached until it leaves the window', () => {
    const evaluator = new ObjectiveEvaluator({ storyP99Ms: 100, backlogAgeSec: 0, windowSec: 3 });
    expect(evaluator.observe(sample(0, { latency: latencySecond([300]) }))[0]?.status).toBe('firing');
    for (const sec of [1, 2]) expect(evaluator.observe(sample(sec, { latency: latencySecond([20, 21]) }))).toEqual([]);
    expect(evaluator.observe(sample(3, { latency: latencySecond([20]) }))[0]?.status).toBe('resolved');
  });
});

describe('alertPayload', () => {
  it('speaks Alertmanager: status, labels, annotations, value, startsAt and endsAt', () => {
    const payload = alertPayload(
      {
        status: 'firing',
        startsAt: Date.UTC(2026, 0, 1),
        endsAt: null,
        state: { name: 'story_p99', target: 100, value: 500, status: 'firing', since: 0, windowSec: 60 },
      },
      { instance: 'a' },
    );
    expect(payload).toEqual({
      version: '4',
      status: 'firing',
      receiver: 'storyflow',
      alerts: [
        {
          status: 'firing',
          labels: { alertname: 'StoryflowStoryLatencyP99', objective: 'story_p99', service: 'storyflow', instance: 'a' },
          annotations: { summary: 'Story latency p99 500 ms > 100 ms (60 s window)' },
          value: 500,
          target: 100,
          startsAt: '2026-01-01T00:00:00.000Z',
          endsAt: '0001-01-01T00:00:00Z',
        },
      ],
    });
  });
});
