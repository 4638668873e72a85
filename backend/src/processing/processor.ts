import type { Logger } from '../logger.js';
import type { Clock } from '../shared/clock.js';
import { Listeners } from '../shared/listeners.js';
import { Admission, type AdmissionOptions } from './admission.js';
import { decidePoolSize, initialAutoscalerState, type AutoscalerConfig, type AutoscalerState } from './autoscaler.js';
import { CompletionCommitter } from './completion-committer.js';
import { FairQueue } from './fair-queue.js';
import type { ChangedStory, CompletionCounter, CompletionStore, LiveProgress, StoryChange } from './ports.js';
import { doneInMemory, isFinished, trackStory, type StoryWork, type TrackedStory } from './tracked-story.js';
import { WorkerPool } from './worker-pool.js';

export interface ProcessorOptions {
  store: CompletionStore;
  counters: CompletionCounter;
  clock: Clock;
  logger: Logger;
  autoscaler: AutoscalerConfig;
  autoscaleIntervalMs: number;
  /** These two: see CompletionCommitterOptions. */
  flushIntervalMs: number;
  progressWriteIntervalMs: number;
  /** How long stopping keeps retrying a failed commit (see CompletionCommitter). */
  stopRetryMs?: number;
  /** Tasks up to this long may use the pool's reserve (see WorkerPool). */
  shortTaskMs?: number;
}

/** The processor's load now: the pool, its backlog, and the oldest Open story it holds. */
export interface ProcessorLoad {
  poolSize: number;
  busyWorkers: number;
  backlogTasks: number;
  /** When the oldest Open story held here was accepted (epoch ms), null when none. */
  oldestOpenAt: number | null;
}

/** The processor and its admission (the callers' to reserve with), whose Retry-After comes from the queue the processor drains. */
export function createProcessor(options: ProcessorOptions & { admission: Omit<AdmissionOptions, 'drainSec'> }): {
  processor: Processor;
  admission: Admission;
} {
  const max = options.autoscaler.max;
  const queue = new FairQueue(max);
  const admission = new Admission({ ...options.admission, drainSec: () => queue.backlogWorkMs / max / 1000 });
  return { processor: new Processor(options, queue, admission), admission };
}

/**
 * The Open stories this instance runs. It owns their in-memory state (each field's writer: see TrackedStory) and composes the fair
 * queue, the worker pool and the completion committer; `changes` tells each story's progress, Done or leaving.
 */
export class Processor {
  readonly changes = new Listeners<[story: ChangedStory, change: StoryChange]>();
  private readonly pool: WorkerPool;
  private readonly committer: CompletionCommitter;
  private readonly tracked = new Map<string, TrackedStory>();
  private readonly releases = new WeakMap<TrackedStory, () => void>();
  private scaling: AutoscalerState;
  private arrivedWorkMs = 0;
  private arrivals = 0;
  private scaleTimer: unknown;
  private stopped = false;
  private pausedSince: number | null = null;
  private tasksDone = 0;

  constructor(
    private readonly options: ProcessorOptions,
    private readonly queue: FairQueue,
    private readonly admission: Admission,
  ) {
    this.scaling = initialAutoscalerState(options.autoscaler);
    this.committer = new CompletionCommitter({
      ...options,
      onStoredDone: (story) => {
        this.leave(story);
        this.changes.emit(story, 'done');
      },
      onDoneElsewhere: (story) => {
        this.leave(story);
        this.changes.emit(story, 'doneElsewhere');
      },
    });
    this.pool = new WorkerPool(this.queue, {
      clock: options.clock,
      initialSize: this.scaling.size,
      reserveFraction: options.autoscaler.reserveFraction,
      onTaskDone: (story, taskNumber) => this.onTaskDone(story, taskNumber),
      onSettled: () => this.committer.commitFinishedSoon(),
      onTaskStart: (story) => this.changes.emit(story, 'progress'),
    });
  }

  get load(): ProcessorLoad {
    let oldestOpenAt: number | null = null;
    for (const story of this.tracked.values()) if (oldestOpenAt === null || story.createdAt < oldestOpenAt) oldestOpenAt = story.createdAt;
    return { poolSize: this.pool.poolSize, busyWorkers: this.pool.busyWorkers, backlogTasks: this.queue.backlogTasks, oldestOpenAt };
  }

  /** Tasks this processor ran to the end (counted once each, for the metrics). */
  get tasksRun(): number {
    return this.tasksDone;
  }

  /** Since when processing is paused (epoch ms), or null while it runs. */
  get pausedAt(): number | null {
    return this.pausedSince;
  }

  /** Paused: running tasks finish, no new ones start (until resumed). */
  setPaused(paused: boolean): void {
    if (paused === (this.pausedSince !== null)) return;
    this.pausedSince = paused ? this.options.clock.now() : null;
    // Resuming: size the pool for the backlog that built up first, so it starts all at once.
    if (!paused) this.growForBacklog();
    this.pool.setPaused(paused);
  }

  /** Live figures of a story held here, or null (not Open here). */
  progressOf(id: string): LiveProgress | null {
    const story = this.tracked.get(id);
    if (!story) return null;
    return {
      taskCount: story.taskCount,
      doneCount: doneInMemory(story),
      runningTasks: story.running,
      running: this.pool.runningTasksOf(story),
      startedAt: story.startedAt,
    };
  }

  trackedIds(): string[] {
    return [...this.tracked.keys()];
  }

  start(): void {
    const scaleLoop = () => {
      this.scaleTimer = this.options.clock.setTimeout(() => {
        this.autoscaleTick();
        if (!this.stopped) scaleLoop();
      }, this.options.autoscaleIntervalMs);
    };
    this.autoscaleTick();
    this.committer.start();
    scaleLoop();
  }

  /** Takes an Open story (just persisted, with its reservation; or recovered at start) and queues its Open tasks. */
  add(work: StoryWork, reservation?: () => void): void {
    if (this.stopped) return reservation?.();
    const story = trackStory(work, this.arrivals++, this.options.clock.now(), this.options.shortTaskMs ?? 250);
    const open = story.taskCount - story.committedDone;
    if (!reservation) this.admission.hold(open);
    this.releases.set(story, reservation ?? (() => this.admission.release(open)));
    this.tracked.set(story.id, story);
    for (const estimate of story.estimates) this.arrivedWorkMs += estimate;
    this.queue.push(story);
    // React to a burst now rather than at the next autoscaler tick.
    this.growForBacklog();
    this.pool.pump();
    if (isFinished(story)) this.committer.noteFinished(story);
  }

  /**
   * Takes a story whose insert is in flight: its tasks start now, nothing is committed until `stored()`. On a failed insert the
   * caller calls `abandon()` and keeps the reservation. `startedAt`: when its first task started, if at once (stored with it).
   */
  addWhileStoring(work: StoryWork, reservation: () => void): { startedAt: number | null; stored(): void; abandon(): void } {
    this.add(work, reservation);
    const story = this.tracked.get(work.id);
    if (!story) return { startedAt: null, stored: () => {}, abandon: () => {} };
    story.storing = true;
    const startedAt = story.startedAt;
    return {
      startedAt,
      stored: () => {
        story.storing = false;
        if (!story.removed) this.committer.noteStored(story);
      },
      abandon: () => {
        if (story.removed) return;
        this.releases.delete(story);
        this.drop(story);
      },
    };
  }

  /** Forgets a story that was deleted: its waiting tasks leave the queue and its running ones stop. */
  forget(id: string): void {
    const story = this.tracked.get(id);
    if (!story) return;
    this.drop(story);
    this.changes.emit(story, 'removed');
  }

  /** Lets go of a story whose lease was lost: it stops here, and the new owner runs its uncommitted tasks again. */
  disown(id: string): void {
    const story = this.tracked.get(id);
    if (story) this.drop(story);
  }

  /** Stops the pool (in-flight tasks are abandoned and will run again after restart) and commits what is done. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.admission.close();
    this.options.clock.clearTimeout(this.scaleTimer);
    this.pool.stop();
    await this.committer.stop();
  }

  private drop(story: TrackedStory): void {
    this.queue.remove(story);
    this.pool.cancel(story);
    this.leave(story);
  }

  private onTaskDone(story: TrackedStory, taskNumber: number): void {
    this.tasksDone++;
    if (story.removed) return;
    this.committer.noteTaskDone(story, taskNumber);
    this.changes.emit(story, 'progress');
  }

  /** The autoscaler's periodic decision: grow or, after the cool-down, shrink. */
  private autoscaleTick(): void {
    this.applyScaling(this.decideScaling());
  }

  /** Between ticks the pool only grows (a burst or a resume is served at once). */
  private growForBacklog(): void {
    const next = this.decideScaling();
    if (next.size > this.scaling.size) this.applyScaling(next);
  }

  private decideScaling(): AutoscalerState {
    return decidePoolSize(this.options.autoscaler, this.scaling, {
      now: this.options.clock.now(),
      backlogWorkMs: this.queue.backlogWorkMs,
      backlogTasks: this.queue.backlogTasks,
      busyWorkers: this.pool.busyWorkers,
      arrivedWorkMs: this.arrivedWorkMs,
    });
  }

  private applyScaling(next: AutoscalerState): void {
    this.arrivedWorkMs = 0;
    this.scaling = next;
    if (next.size !== this.pool.poolSize) this.pool.resize(next.size);
  }

  private leave(story: TrackedStory): void {
    story.removed = true;
    this.tracked.delete(story.id);
    this.committer.drop(story);
    this.releases.get(story)?.();
  }
}
