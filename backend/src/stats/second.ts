import type { InstanceFigures, LatencySecond, StatsSample, StoriesActivity, StoryMoments, StoryPhases } from '@storyflow/contracts';
import type { Clock } from '../shared/clock.js';
import type { AssembledSecond, StoredTotals } from '../shared/stats-second.js';

export type { AssembledSecond, StoredTotals } from '../shared/stats-second.js';
import type { CounterCache } from './counter-cache.js';
import { oldestOfAges, oldestOpenAge } from './figures/oldest-open.js';
import { sumPoolLoad, type PoolLoad } from './figures/pool-load.js';
import { mergeSlowStories, SlowStoriesMeter } from './figures/slow-stories.js';
import { StoryFlowMeter, sumStoryFlow, type StoryFlow } from './figures/story-flow.js';
import { mergeStoryLatency, StoryLatencyMeter } from './figures/story-latency.js';
import { sumTasksDone, TasksDoneMeter } from './figures/tasks-done.js';

/**
 * The one place a second of statistics is put together, alone or in a cluster, from the parts in `figures/`: measured
 * (SecondMeter), merged (mergeSeconds), placed in the payloads (assembleSecond). A new figure: ARCHITECTURE.md, "Where to add".
 */
export interface SecondFigures {
  stories: StoryFlow;
  tasksDone: number;
  latency: LatencySecond | undefined;
  /** The phases of its slowest stories (see SlowStoriesMeter). */
  slowStories: StoryPhases[] | undefined;
  pool: PoolLoad;
  /** null: no story is Open. */
  oldestOpenAgeSec: number | null;
}

/** One instance's second, as measured: the figures, and its own stored counts. */
export interface MeasuredSecond {
  /** Start of the second, epoch ms. */
  t: number;
  figures: SecondFigures;
  stored: StoredTotals;
}

/** What an instance's second is measured from (processing provides it; stats does not import it). */
export interface SecondSources {
  counters: CounterCache;
  /** The pool now, and when the oldest Open story held here was accepted (null: none). */
  pool(): PoolLoad & { oldestOpenAt: number | null };
  /** Tasks run to the end so far (cumulative). */
  tasksRun(): number;
  /** Subscribes to each story stored Done here, told when it was accepted, started, ran its last task and was stored Done. */
  onStoryDone(listener: (story: StoryMoments) => void): void;
}

/** Reads this instance's figures; each read covers the time since the previous one. */
export class SecondMeter {
  private readonly stories: StoryFlowMeter;
  private readonly tasksDone: TasksDoneMeter;
  private readonly latency: StoryLatencyMeter;
  private readonly slowStories = new SlowStoriesMeter();

  constructor(
    private readonly sources: SecondSources,
    private readonly clock: Clock,
  ) {
    this.stories = new StoryFlowMeter(sources.counters);
    this.tasksDone = new TasksDoneMeter(() => sources.tasksRun());
    this.latency = new StoryLatencyMeter(clock);
    sources.onStoryDone((story) => {
      this.latency.storyDone(story.createdAt, story.completedAt);
      this.slowStories.storyDone(story);
    });
  }

  read(t: number): MeasuredSecond {
    const { oldestOpenAt, poolSize, busyWorkers, backlogTasks, paused } = this.sources.pool();
    const { open, completed, storedDone } = this.sources.counters.current;
    const figures: SecondFigures = {
      stories: this.stories.read(),
      tasksDone: this.tasksDone.read(),
      latency: this.latency.read(),
      slowStories: this.slowStories.read(),
      pool: { poolSize, busyWorkers, backlogTasks, paused },
      oldestOpenAgeSec: oldestOpenAge(oldestOpenAt, this.clock.now()),
    };
    return { t, figures, stored: { open, completed, storedDone } };
  }
}

/** Several instances' seconds as one, each figure merged by its part's rule. */
export function mergeSeconds(seconds: readonly SecondFigures[]): SecondFigures {
  const each = <T>(figure: (s: SecondFigures) => T): T[] => seconds.map(figure);
  return {
    stories: sumStoryFlow(each((s) => s.stories)),
    tasksDone: sumTasksDone(each((s) => s.tasksDone)),
    latency: mergeStoryLatency(each((s) => s.latency)),
    slowStories: mergeSlowStories(each((s) => s.slowStories)),
    pool: sumPoolLoad(each((s) => s.pool)),
    oldestOpenAgeSec: oldestOfAges(each((s) => s.oldestOpenAgeSec)),
  };
}

/** The payloads of second `t`; `instances`, in a cluster, is each instance's share. */
export function assembleSecond(second: {
  t: number;
  figures: SecondFigures;
  stored: StoredTotals;
  instances?: InstanceFigures[];
}): AssembledSecond {
  const { t, figures, stored, instances } = second;
  const { stories, pool } = figures;
  const sample: StatsSample = {
    t,
    producedPerSec: stories.produced,
    completedPerSec: stories.completed,
    open: stored.open,
    completed: stored.completed,
    poolSize: pool.poolSize,
    busyWorkers: pool.busyWorkers,
    backlogTasks: pool.backlogTasks,
    paused: pool.paused,
    ...(instances ? { instances } : {}),
    ...(figures.latency ? { latency: figures.latency } : {}),
    ...(figures.slowStories ? { slowStories: figures.slowStories } : {}),
    tasksDonePerSec: figures.tasksDone,
    oldestOpenAgeSec: figures.oldestOpenAgeSec,
  };
  const activity: StoriesActivity = {
    t,
    created: stories.produced,
    completed: stories.completed,
    removed: stories.removed,
    counts: { Open: stored.open, Done: stored.storedDone },
  };
  return { sample, activity };
}
