import type { QueuedTask, TrackedStory } from './tracked-story.js';

export interface ReadyTask {
  story: TrackedStory;
  task: QueuedTask;
}

/**
 * The one FIFO of ready tasks, ordered by story arrival: all of a story's tasks are handed out
 * before the next story's. Holds stories (with a cursor) rather than tasks, so removing a story is
 * O(its remaining tasks) and memory is one entry per story.
 */
export class ReadyQueue {
  private stories: TrackedStory[] = [];
  private head = 0;
  private tasks = 0;
  private workMs = 0;

  get backlogTasks(): number {
    return this.tasks;
  }

  /** Sum of the estimates waiting: the autoscaler sizes the pool from it. */
  get backlogWorkMs(): number {
    return this.workMs;
  }

  push(story: TrackedStory): void {
    const remaining = story.queued.length - story.cursor;
    if (remaining <= 0) return;
    this.stories.push(story);
    this.tasks += remaining;
    for (let i = story.cursor; i < story.queued.length; i++) this.workMs += story.queued[i]!.estimate;
  }

  take(): ReadyTask | undefined {
    while (this.head < this.stories.length) {
      const story = this.stories[this.head]!;
      if (!story.removed && story.cursor < story.queued.length) {
        const task = story.queued[story.cursor++]!;
        this.tasks--;
        this.workMs -= task.estimate;
        return { story, task };
      }
      this.head++;
      this.compact();
    }
    return undefined;
  }

  /** Drops a story's waiting tasks (it was deleted). */
  remove(story: TrackedStory): void {
    if (story.removed) return;
    story.removed = true;
    for (let i = story.cursor; i < story.queued.length; i++) {
      this.tasks--;
      this.workMs -= story.queued[i]!.estimate;
    }
    story.cursor = story.queued.length;
  }

  // Amortised O(1): drop the consumed prefix once it is half the array.
  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.stories.length) {
      this.stories = this.stories.slice(this.head);
      this.head = 0;
    }
  }
}
