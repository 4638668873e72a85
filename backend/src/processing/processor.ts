import type { Logger } from '../logger.js';
import type { Clock } from '../shared/clock.js';
import type { SerialLock } from '../shared/serial-lock.js';
import type { CounterCache } from '../stats/counter-cache.js';
import type { StoryDoc } from '../stories/story.model.js';
import type { ProgressCommit, StoryRepository } from '../stories/story.repository.js';
import { decidePoolSize, initialAutoscalerState, type AutoscalerConfig, type AutoscalerState } from './autoscaler.js';
import { ReadyQueue, type ReadyTask } from './ready-queue.js';
import { doneInMemory, trackStory, type TrackedStory } from './tracked-story.js';
import { WorkerPool } from './worker-pool.js';

export interface ProcessorOptions {
  repository: StoryRepository;
  counters: CounterCache;
  lock: SerialLock;
  clock: Clock;
  logger: Logger;
  autoscaler: AutoscalerConfig;
  autoscaleIntervalMs: number;
  flushIntervalMs: number;
  /** At most one progress write per story per this interval; a story's final update is never delayed. */
  progressWriteIntervalMs: number;
}

export interface PoolFigures {
  poolSize: number;
  busyWorkers: number;
  backlogTasks: number;
}

/**
 * Owns the Open stories in memory: queues their tasks, runs them on the adaptive pool, and
 * group-commits completions (completion batcher): each flush interval, one bulkWrite for the stories
 * whose progress is due (at most one write per story per `progressWriteIntervalMs`, so a long story
 * costs writes per second, never per task) and one conditional update per story that finished, so
 * a story turns Done exactly once. A story shorter than that interval costs one insert and one update.
 */
export class Processor {
  private readonly queue = new ReadyQueue();
  private readonly pool: WorkerPool;
  private readonly tracked = new Map<string, TrackedStory>();
  private readonly dirty = new Map<string, TrackedStory>();
  private scaling: AutoscalerState;
  private arrivedWorkMs = 0;
  private flushTimer: unknown;
  private scaleTimer: unknown;
  private flushing: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly o: ProcessorOptions) {
    this.scaling = initialAutoscalerState(o.autoscaler);
    this.pool = new WorkerPool(this.queue, (item) => this.onTaskDone(item), o.clock, this.scaling.size);
  }

  get figures(): PoolFigures {
    return { poolSize: this.pool.poolSize, busyWorkers: this.pool.busyWorkers, backlogTasks: this.queue.backlogTasks };
  }

  get trackedCount(): number {
    return this.tracked.size;
  }

  start(): void {
    const flushLoop = () => {
      this.flushTimer = this.o.clock.setTimeout(() => {
        void this.flush().finally(() => !this.stopped && flushLoop());
      }, this.o.flushIntervalMs);
    };
    const scaleLoop = () => {
      this.scaleTimer = this.o.clock.setTimeout(() => {
        this.autoscale();
        if (!this.stopped) scaleLoop();
      }, this.o.autoscaleIntervalMs);
    };
    this.autoscale();
    flushLoop();
    scaleLoop();
  }

  /** Takes an Open story (just persisted, or recovered at start) and queues its Open tasks. */
  add(doc: StoryDoc): void {
    if (this.stopped) return;
    const story = trackStory(doc, this.o.clock.now());
    this.tracked.set(story.id, story);
    for (const t of story.queued) this.arrivedWorkMs += t.estimate;
    this.queue.push(story);
    if (doneInMemory(story) === story.taskCount) this.dirty.set(story.id, story);
    // React to a burst now rather than at the next autoscaler tick.
    this.autoscale(false);
    this.pool.pump();
  }

  /** Forgets a story that is being deleted: its waiting tasks leave the queue, nothing more is committed. Call under the lock. */
  forget(id: string): void {
    const story = this.tracked.get(id);
    if (!story) return;
    this.queue.remove(story);
    this.tracked.delete(id);
    this.dirty.delete(id);
  }

  /** Commits finished stories and due progress (`all`: every completion, as at shutdown). Concurrent calls share one flush. */
  flush(all = false): Promise<void> {
    if (this.flushing) return this.flushing;
    this.flushing = this.o.lock
      .run(() => this.commit(all))
      .finally(() => {
        this.flushing = null;
      });
    return this.flushing;
  }

  /** Stops the pool (in-flight tasks are abandoned and will run again after restart) and commits what is done. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.o.clock.clearTimeout(this.flushTimer);
    this.o.clock.clearTimeout(this.scaleTimer);
    this.pool.stop();
    await this.flushing;
    await this.flush(true);
  }

  private onTaskDone({ story, task }: ReadyTask): void {
    if (story.removed) return;
    story.pending.push(task.n);
    this.dirty.set(story.id, story);
  }

  private autoscale(tick = true): void {
    const next = decidePoolSize(this.o.autoscaler, this.scaling, {
      now: this.o.clock.now(),
      backlogWorkMs: this.queue.backlogWorkMs,
      arrivedWorkMs: this.arrivedWorkMs,
    });
    if (!tick && next.size <= this.scaling.size) return; // between ticks only grow
    this.arrivedWorkMs = 0;
    this.scaling = next;
    if (next.size !== this.pool.poolSize) this.pool.resize(next.size);
  }

  private async commit(all: boolean): Promise<void> {
    if (!this.dirty.size) return;
    const now = this.o.clock.now();
    const batch: { story: TrackedStory; commit: ProgressCommit }[] = [];
    for (const story of this.dirty.values()) {
      const finished = doneInMemory(story) === story.taskCount;
      // Progress that is not due yet stays pending: after a crash those tasks simply run again.
      if (!finished && !all && now - story.lastWriteAt < this.o.progressWriteIntervalMs) continue;
      const taskNumbers = story.pending.splice(0);
      const doneCount = story.committedDone + taskNumbers.length;
      batch.push({ story, commit: { id: story.id, taskNumbers, doneCount, finished } });
      this.dirty.delete(story.id);
    }
    if (!batch.length) return;
    try {
      const { completed } = await this.o.repository.commitProgress(
        batch.map((b) => b.commit),
        new Date(now),
      );
      for (const { story, commit } of batch) {
        story.committedDone = commit.doneCount;
        story.lastWriteAt = now;
        if (commit.finished) this.tracked.delete(story.id);
      }
      if (completed.length) this.o.counters.storiesCompleted(completed.length);
    } catch (error) {
      // Nothing is lost: the completions go back and the next interval retries them.
      for (const { story, commit } of batch) {
        if (story.removed) continue;
        story.pending.unshift(...commit.taskNumbers);
        this.dirty.set(story.id, story);
      }
      this.o.logger.error({ err: error, stories: batch.length }, 'committing task completions failed; will retry');
    }
  }
}
