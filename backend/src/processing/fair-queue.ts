import { MinHeap } from '../shared/min-heap.js';
import type { TrackedStory } from './tracked-story.js';

/**
 * The ready queue, shared fairly between stories: earliest deadline first, where a story's deadline is
 * its arrival plus the time the whole pool would need for its remaining work (`work / workScale`).
 *
 * - A burst of similar stories runs in arrival order, each story's tasks back to back, so each finishes
 *   as early as it can (round-robin between stories would make them all finish late).
 * - A small story is not stuck behind big ones: ten 1,000 × 60 s stories rank a minute behind their
 *   arrival, so a 5 ms story posted after them goes first.
 * - Nothing starves: a deadline is fixed once set (it only moves earlier as the story is served), and
 *   later arrivals have later deadlines once the big story's work-time has passed.
 *
 * Stories whose tasks are all short and those with a long task wait in separate heaps, so the pool can
 * keep a reserve of workers that long tasks may not take (see WorkerPool).
 */
export class FairQueue {
  private readonly short = new MinHeap<TrackedStory>(earlier);
  private readonly long = new MinHeap<TrackedStory>(earlier);
  private tasks = 0;
  private workMs = 0;

  /** @param workScale workers the remaining work is spread over when ranking (the pool's maximum). */
  constructor(private readonly workScale: number) {}

  get backlogTasks(): number {
    return this.tasks;
  }

  /** Sum of the estimates waiting: the autoscaler sizes the pool from it. */
  get backlogWorkMs(): number {
    return this.workMs;
  }

  push(story: TrackedStory): void {
    let work = 0;
    for (let i = story.cursor; i < story.estimates.length; i++) work += story.estimates[i]!;
    const remaining = story.estimates.length - story.cursor;
    if (remaining <= 0 || story.removed) return;
    story.key += work / this.workScale;
    this.tasks += remaining;
    this.workMs += work;
    (story.long ? this.long : this.short).push(story);
  }

  /**
   * The story whose task runs next, its cursor already moved past that task (the task is at
   * `cursor - 1`); undefined if none may run. `allowLong` false: only stories of short tasks.
   */
  take(allowLong: boolean): TrackedStory | undefined {
    const short = this.top(this.short);
    const long = allowLong ? this.top(this.long) : undefined;
    const story = short && long ? (earlier(short, long) ? short : long) : (short ?? long);
    if (!story) return undefined;
    const estimate = story.estimates[story.cursor++]!;
    this.tasks--;
    this.workMs -= estimate;
    // Served at the top of its heap: its deadline only moves earlier, so it stays there.
    story.key -= estimate / this.workScale;
    return story;
  }

  /** Drops a story's waiting tasks (it leaves: deleted or disowned); a second call finds none. */
  remove(story: TrackedStory): void {
    for (let i = story.cursor; i < story.estimates.length; i++) {
      this.tasks--;
      this.workMs -= story.estimates[i]!;
    }
    story.cursor = story.estimates.length;
  }

  /** The first story of `heap` with a task left; exhausted and removed stories leave lazily. */
  private top(heap: MinHeap<TrackedStory>): TrackedStory | undefined {
    for (let s = heap.peek(); s; s = heap.peek()) {
      if (!s.removed && s.cursor < s.estimates.length) return s;
      heap.pop();
    }
    return undefined;
  }
}

const earlier = (a: TrackedStory, b: TrackedStory) => a.key < b.key || (a.key === b.key && a.seq < b.seq);
