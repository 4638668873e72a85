import { describe, expect, it } from '@jest/globals';
import { latencySecond, mergeLatency, type StatsSample, type StoryMoments } from '@storyflow/contracts';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import { ObjectiveAlerts } from '../../src/alerts/objective-alerts.js';
import { assembleClusterSecond, fromInstanceReport, toInstanceReport } from '../../src/stats/cluster-second.js';
import { CounterCache } from '../../src/stats/counter-cache.js';
import { StoryFlowMeter } from '../../src/stats/figures/story-flow.js';
import { StoryLatencyMeter } from '../../src/stats/figures/story-latency.js';
import { LiveSeconds } from '../../src/stats/live-seconds.js';
import { assembleSecond, mergeSeconds, SecondMeter, type SecondFigures } from '../../src/stats/second.js';
import { FakeClock } from '../support/fake-clock.js';

const figures = (over: Partial<SecondFigures> = {}): SecondFigures => ({
  stories: { produced: 0, completed: 0, removed: 0 },
  tasksDone: 0,
  latency: undefined,
  slowStories: undefined,
  pool: { poolSize: 0, busyWorkers: 0, backlogTasks: 0, paused: false },
  oldestOpenAgeSec: null,
  ...over,
});

describe('the parts that measure a second', () => {
  it('story flow: each read is the change of the cumulative counts since the last; deletes and purges are removed', () => {
    const counters = new CounterCache();
    counters.seed({ since: 0, open: 2, done: 0, doneTasks: 0, removedOpen: 0, removedDone: 0, purged: 0, deleted: 0 });
    const meter = new StoryFlowMeter(counters);
    counters.storyProduced();
    counters.storyProduced();
    counters.storiesCompleted(1);
    counters.storiesRemoved({ open: 1, done: 0, doneTasks: 0 }, 'delete');
    counters.storiesRemoved({ open: 0, done: 1, doneTasks: 5 }, 'purge');
    expect(meter.read()).toEqual({ produced: 2, completed: 1, removed: 2 });
    expect(meter.read()).toEqual({ produced: 0, completed: 0, removed: 0 });
  });

  it('story latency: exact percentiles of the second, none kept for the next; bounded in a burst', () => {
    const clock = new FakeClock(10_000);
    const meter = new StoryLatencyMeter(clock);
    for (const createdAt of [9_900, 9_000, 9_990]) meter.storyDone(createdAt);
    expect(meter.read()).toEqual(latencySecond([100, 1000, 10]));
    expect(meter.read()).toBeUndefined();
    for (let i = 0; i < 100_010; i++) meter.storyDone(9_999);
    expect(meter.read()?.count).toBe(100_000);
  });

  it('the instance meter reads every part once per second, and the stored counts at its end', () => {
    const clock = new FakeClock(5_000);
    const counters = new CounterCache();
    let tasksRun = 10;
    let storyDone: (story: StoryMoments) => void = () => undefined;
    const meter = new SecondMeter(
      {
        counters,
        pool: () => ({ poolSize: 4, busyWorkers: 3, backlogTasks: 9, paused: false, oldestOpenAt: 1_950 }),
        tasksRun: () => tasksRun,
        onStoryDone: (listener) => (storyDone = listener),
      },
      clock,
    );
    counters.storyProduced();
    tasksRun += 7;
    storyDone({ createdAt: 4_800, startedAt: null, ranUntil: null, completedAt: null }); // told now (the clock): 200 ms
    storyDone({ createdAt: 4_700, startedAt: 4_710, ranUntil: 4_900, completedAt: 4_950 }); // its stored completedAt: 250 ms
    expect(meter.read(4_000)).toEqual({
      t: 4_000,
      figures: {
        stories: { produced: 1, completed: 0, removed: 0 },
        tasksDone: 7,
        latency: latencySecond([200, 250]),
        slowStories: [[10, 190, 50]], // the one whose moments are all known
        pool: { poolSize: 4, busyWorkers: 3, backlogTasks: 9, paused: false },
        oldestOpenAgeSec: 3.1,
      },
      stored: { open: 1, completed: 0, storedDone: 0 },
    });
  });
});

describe('mergeSeconds', () => {
  it('adds up counts and pools, is paused when any instance is, takes the oldest age, merges latency buckets', () => {
    const a = figures({
      stories: { produced: 3, completed: 2, removed: 1 },
      tasksDone: 40,
      latency: latencySecond([10, 20]),
      pool: { poolSize: 4, busyWorkers: 4, backlogTasks: 10, paused: false },
      oldestOpenAgeSec: 2,
    });
    const b = figures({
      stories: { produced: 5, completed: 1, removed: 0 },
      tasksDone: 2,
      latency: latencySecond([3000]),
      pool: { poolSize: 2, busyWorkers: 1, backlogTasks: 0, paused: true },
      oldestOpenAgeSec: 7.5,
    });
    expect(mergeSeconds([a, b, figures()])).toEqual({
      stories: { produced: 8, completed: 3, removed: 1 },
      tasksDone: 42,
      latency: mergeLatency([a.latency, b.latency]),
      pool: { poolSize: 6, busyWorkers: 5, backlogTasks: 10, paused: true },
      oldestOpenAgeSec: 7.5,
    });
  });

  it('of no instance is an empty second', () => {
    expect(mergeSeconds([])).toEqual(figures());
  });
});

describe('the cluster second', () => {
  it('an instance report reads back as the figures it was made of (latency bucket-bound)', () => {
    const own = figures({
      stories: { produced: 2, completed: 1, removed: 3 },
      tasksDone: 9,
      latency: latencySecond([15, 700]),
      oldestOpenAgeSec: 1.2,
    });
    const back = fromInstanceReport(toInstanceReport({ t: 1000, figures: own, stored: { open: 0, completed: 0, storedDone: 0 } }));
    expect(back).toEqual({ ...own, latency: mergeLatency([own.latency]) });
  });

  it('is assembled as an instance second is, from the merged reports, the database counts and the instances', () => {
    const report = (produced: number, poolSize: number) =>
      toInstanceReport({
        t: 3000,
        figures: figures({
          stories: { produced, completed: 1, removed: 0 },
          pool: { poolSize, busyWorkers: 0, backlogTasks: 0, paused: false },
        }),
        stored: { open: 99, completed: 99, storedDone: 99 },
      });
    const instances = [{ id: 'a', poolSize: 2, busyWorkers: 0, backlogTasks: 0, lastSeen: 3000 }];
    const stored = { open: 5, completed: 50, storedDone: 20 };
    const second = assembleClusterSecond({ t: 3000, reports: [report(1, 2), report(4, 3)], stored, instances });
    const merged = figures({
      stories: { produced: 5, completed: 2, removed: 0 },
      pool: { poolSize: 5, busyWorkers: 0, backlogTasks: 0, paused: false },
    });
    expect(second).toEqual(assembleSecond({ t: 3000, figures: merged, stored, instances }));
    expect(second.sample).toMatchObject({ producedPerSec: 5, open: 5, completed: 50, poolSize: 5, instances });
  });
});

describe('LiveSeconds', () => {
  const second = (t: number) => assembleSecond({ t, figures: figures(), stored: { open: 1, completed: 2, storedDone: 3 } });

  it('judges each second, notifying and persisting only when it speaks for it', () => {
    const judged: boolean[] = [];
    const recorded: StatsSample[] = [];
    const live = new LiveSeconds({
      historySeconds: 10,
      clock: new FakeClock(0),
      countersSince: () => 0,
      judge: (sample, { notify }) => (judged.push(notify), { ...sample, alerts: [] }),
      record: (sample) => recorded.push(sample),
    });
    const sent: StatsSample[] = [];
    const activities: number[] = [];
    live.onSample((s) => sent.push(s));
    live.onActivity((a) => activities.push(a.t));
    live.publish(second(1000), { leader: true });
    live.publish(second(2000), { leader: false });
    expect(judged).toEqual([true, false]);
    expect(recorded).toEqual([{ ...second(1000).sample, alerts: [] }]);
    expect(sent.map((s) => [s.t, s.alerts])).toEqual([
      [1000, []],
      [2000, []],
    ]);
    expect(activities).toEqual([1000, 2000]);
    expect(live.snapshot().history).toEqual(sent);
  });

  it('names the instance in the snapshot in a cluster only', () => {
    const options = { historySeconds: 10, clock: new FakeClock(7), countersSince: () => 3 };
    expect(new LiveSeconds(options).snapshot()).toEqual({ now: 7, history: [], countersSince: 3 });
    expect(new LiveSeconds({ ...options, instanceId: 'b' }).snapshot()).toEqual({ now: 7, history: [], countersSince: 3, instanceId: 'b' });
  });
});

describe('ObjectiveAlerts', () => {
  function logged() {
    const lines: string[] = [];
    const stream = new Writable({ write: (chunk: Buffer, _encoding, done) => (lines.push(chunk.toString()), done()) });
    return { lines, logger: pino({ level: 'warn' }, stream) };
  }
  const slow = (sec: number): StatsSample => ({
    ...assembleSecond({ t: sec * 1000, figures: figures({ oldestOpenAgeSec: 100 }), stored: { open: 1, completed: 0, storedDone: 0 } })
      .sample,
  });

  it('every instance marks the breach on its samples; only the one told to notify logs the transition', () => {
    const settings = { objectives: { storyP99Ms: 0, backlogAgeSec: 30, windowSec: 60 }, webhookUrl: null, scope: 'cluster' as const };
    const leader = logged();
    const follower = logged();
    const judgedByLeader = new ObjectiveAlerts(settings, leader.logger).judge(slow(1), { notify: true });
    const judgedByFollower = new ObjectiveAlerts(settings, follower.logger).judge(slow(1), { notify: false });
    expect(judgedByLeader.alerts).toEqual([{ name: 'backlog_age', target: 30, value: 100, since: 2000, windowSec: 60 }]);
    expect(judgedByFollower.alerts).toEqual(judgedByLeader.alerts);
    expect(leader.lines.join('')).toContain('objective firing');
    expect(follower.lines).toEqual([]);
  });

  it('leaves the sample as it is when no objective is set', () => {
    const alerts = new ObjectiveAlerts(
      { objectives: { storyP99Ms: 0, backlogAgeSec: 0, windowSec: 60 }, webhookUrl: null, scope: 'instance' },
      logged().logger,
    );
    expect(alerts.judge(slow(1), { notify: true })).toEqual(slow(1));
    expect(alerts.objectives()).toEqual([]);
  });
});
