import { MinHeap } from '../shared/min-heap.js';
import type { TrackedStory } from './tracked-story.js';

/**
 * The ready queue: earliest deadline first, a story's deadline being its arrival plus its remaining work spread over the whole
 * pool (`work / workScale`); round-robin would make a burst's stories all finish late. Stories with a long task wait in a heap of
 * their own, so the pool can keep a reserve (see WorkerPool). Properties: ARCHITECTURE.md, "Scheduling and the pool".
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
