import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger.js';
import type { Clock } from '../shared/clock.js';
import type { SerialLock } from '../shared/serial-lock.js';
import { Admission, type AdmissionBounds } from './admission.js';
import { decidePoolSize, initialAutoscalerState, type AutoscalerConfig, type AutoscalerState } from './autoscaler.js';
import { FairQueue } from './fair-queue.js';
import type { ChangedStory, CompletionCounter, CompletionStore, LiveProgress, ProgressWrite, StoryChange } from './ports.js';
import { doneInMemory, isFinished, trackStory, type StoryWork, type TrackedStory } from './tracked-story.js';
import { WorkerPool } from './worker-pool.js';

export interface ProcessorOptions {
  store: CompletionStore;
  counters: CompletionCounter;
  lock: SerialLock;
  clock: Clock;
  logger: Logger;
  autoscaler: AutoscalerConfig;
  autoscaleIntervalMs: number;
  /** How often progress of running stories is looked at (finished stories are committed at once). */
  flushIntervalMs: number;
  /** At most one progress write per story per this interval; a story's final update is never delayed. */
  progressWriteIntervalMs: number;
  /** Admission bounds: Open tasks and Open stories held at once. */
  maxOpen: AdmissionBounds;
  /** Tasks stored elsewhere that count against that bound (see Admission); told when that refuses work. */
  backlogElsewhere?: () => number;
  onOverloaded?: () => void;
  /** Tasks up to this long may use the pool's reserve (see WorkerPool). */
  shortTaskMs?: number;
  reserveFraction?: number;
  /** Told what changed about a story (called per task: the listener only notes it and batches). */
  onChange?: (story: ChangedStory, change: StoryChange) => void;
}

export interface PoolFigures {
  poolSize: number;
  busyWorkers: number;
  backlogTasks: number;
}

/**
 * Owns the Open stories in memory: queues their tasks fairly, runs them on the adaptive pool, and
 * group-commits completions. A story whose last task is done is committed at once: if no commit is in
 * flight one starts now, else it joins the next, which starts as soon as the current one ends (one
 * updateMany for every story that finished meanwhile, so a burst costs a write per batch, not per
 * story). Progress of long stories is written at most once per `progressWriteIntervalMs` (one bulkWrite
 * for all due). A story shorter than that costs one insert and its share of one update.
 */
export class Processor {
  private readonly queue: FairQueue;
  private readonly pool: WorkerPool;
  private readonly admission: Admission;
  private readonly tracked = new Map<string, TrackedStory>();
  /** Running stories with completions not yet committed. */
  private readonly dirty = new Set<TrackedStory>();
  /** Stories whose last task is done, waiting for their final commit. */
  private readonly finished = new Set<TrackedStory>();
  private readonly releases = new WeakMap<TrackedStory, () => void>();
  private scaling: AutoscalerState;
  private arrivedWorkMs = 0;
  private seq = 0;
  private flushTimer: unknown;
  private scaleTimer: unknown;
  private flushing: Promise<void> | null = null;
  private flushAgain = false;
  private stopped = false;
  /** The last commit failed: the next failure is not logged again (an outage fails every flush). */
  private failing = false;
  private pausedSince: number | null = null;
  private tasksDone = 0;
  private readonly onChange: ((story: ChangedStory, change: StoryChange) => void) | undefined;

  constructor(private readonly o: ProcessorOptions) {
    this.scaling = initialAutoscalerState(o.autoscaler);
    this.queue = new FairQueue(o.autoscaler.max);
    this.admission = new Admission(o.maxOpen, o.backlogElsewhere);
    this.onChange = o.onChange;
    this.pool = new WorkerPool(this.queue, {
      clock: o.clock,
      initialSize: this.scaling.size,
      reserveFraction: o.reserveFraction ?? 0.05,
      onTaskDone: (story, n) => this.onTaskDone(story, n),
      onSettled: () => this.commitFinishedSoon(),
      onTaskStart: (story) => this.changed(story, 'progress'),
    });
  }

  /** Paused: running tasks finish, no new ones start (until resumed). */
  setPaused(paused: boolean): void {
    if (paused === (this.pausedSince !== null)) return;
    this.pausedSince = paused ? this.o.clock.now() : null;
    // Resuming: size the pool for the backlog that built up first, so it starts all at once.
    if (!paused) this.autoscale(false);
    this.pool.setPaused(paused);
  }

  get paused(): boolean {
    return this.pausedSince !== null;
  }

  /** Since when processing is paused (epoch ms), or null. */
  get pausedAt(): number | null {
    return this.pausedSince;
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

  get figures(): PoolFigures {
    return { poolSize: this.pool.poolSize, busyWorkers: this.pool.busyWorkers, backlogTasks: this.queue.backlogTasks };
  }

  get trackedCount(): number {
    return this.tracked.size;
  }

  /** Open tasks held (admission's count). */
  get openTasks(): number {
    return this.admission.openTasks;
  }

  /** Tasks this processor ran to the end (counted once each, for the metrics). */
  get tasksRun(): number {
    return this.tasksDone;
  }

  /** Ids of the stories held here. */
  trackedIds(): string[] {
    return [...this.tracked.keys()];
  }

  start(): void {
    const progressLoop = () => {
      this.flushTimer = this.o.clock.setTimeout(() => {
        void this.flush().finally(() => !this.stopped && progressLoop());
      }, this.o.flushIntervalMs);
    };
    const scaleLoop = () => {
      this.scaleTimer = this.o.clock.setTimeout(() => {
        this.autoscale();
        if (!this.stopped) scaleLoop();
      }, this.o.autoscaleIntervalMs);
    };
    this.autoscale();
    progressLoop();
    scaleLoop();
  }

  /**
   * Reserves room for a story of `tasks` tasks before it is stored, or throws OverloadedError. Call the
   * returned function if the story is not stored after all; pass it to `add` otherwise.
   */
  reserve(tasks: number): () => void {
    if (this.stopped) return () => {};
    return this.refusingWhenFull(() => this.admission.reserve(tasks, this.drainSec));
  }

  /** Throws OverloadedError if a story of `tasks` tasks would be refused now (reserves nothing). */
  checkRoom(tasks: number): void {
    if (!this.stopped) this.refusingWhenFull(() => this.admission.check(tasks, this.drainSec));
  }

  /** How long the backlog needs at the pool's full speed, s (Retry-After). */
  private readonly drainSec = () => this.queue.backlogWorkMs / this.o.autoscaler.max / 1000;

  private refusingWhenFull<T>(admit: () => T): T {
    try {
      return admit();
    } catch (error) {
      this.o.onOverloaded?.();
      throw error;
    }
  }

  /** Takes an Open story (just persisted, with its reservation; or recovered at start) and queues its Open tasks. */
  add(work: StoryWork, reservation?: () => void): void {
    if (this.stopped) return reservation?.();
    const now = this.o.clock.now();
    const story = trackStory(work, this.seq++, now, this.o.shortTaskMs ?? 250);
    const open = story.taskCount - story.committedDone;
    if (!reservation) this.admission.hold(open);
    this.releases.set(story, reservation ?? (() => this.admission.release(open)));
    this.tracked.set(story.id, story);
    for (const e of story.estimates) this.arrivedWorkMs += e;
    this.queue.push(story);
    // React to a burst now rather than at the next autoscaler tick.
    this.autoscale(false);
    this.pool.pump();
    if (isFinished(story)) {
      this.finished.add(story);
      this.commitFinishedSoon();
    }
  }

  /** Forgets a story that is being deleted: its waiting tasks leave the queue and its running ones stop. Call under the lock. */
  forget(id: string): void {
    const story = this.tracked.get(id);
    if (!story) return;
    this.drop(story);
    this.changed(story, 'removed');
  }

  /**
   * Lets go of a story another instance now owns (cluster mode: its lease was lost): it stops running
   * here; completions not yet committed are left to the new owner, who runs those tasks again.
   */
  disown(id: string): void {
    const story = this.tracked.get(id);
    if (story) this.drop(story);
  }

  private drop(story: TrackedStory): void {
    this.queue.remove(story);
    this.pool.cancel(story);
    this.leave(story);
  }

  /** Commits finished stories and due progress (`all`: every completion, as at shutdown). Concurrent calls share one flush. */
  flush(all = false): Promise<void> {
    if (this.flushing) {
      if (all) return this.flushing.then(() => this.flush(true));
      return this.flushing;
    }
    this.flushing = this.o.lock
      .run(() => this.commit(all))
      .finally(() => {
        this.flushing = null;
        if (this.flushAgain && !this.stopped) {
          this.flushAgain = false;
          void this.flush();
        }
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

  private onTaskDone(story: TrackedStory, n: number): void {
    this.tasksDone++;
    if (story.removed) return;
    story.pending.push(n);
    this.changed(story, 'progress');
    if (isFinished(story)) {
      this.dirty.delete(story);
      this.finished.add(story);
    } else {
      this.dirty.add(story);
    }
  }

  /** Group commit: finished stories go out now, or right after the commit in flight. */
  private commitFinishedSoon(): void {
    if (!this.finished.size || this.stopped) return;
    if (this.flushing) this.flushAgain = true;
    else void this.flush();
  }

  private autoscale(tick = true): void {
    const next = decidePoolSize(this.o.autoscaler, this.scaling, {
      now: this.o.clock.now(),
      backlogWorkMs: this.queue.backlogWorkMs,
      backlogTasks: this.queue.backlogTasks,
      arrivedWorkMs: this.arrivedWorkMs,
    });
    if (!tick && next.size <= this.scaling.size) return; // between ticks only grow
    this.arrivedWorkMs = 0;
    this.scaling = next;
    if (next.size !== this.pool.poolSize) this.pool.resize(next.size);
  }

  private leave(story: TrackedStory): void {
    story.removed = true;
    this.tracked.delete(story.id);
    this.dirty.delete(story);
    this.finished.delete(story);
    this.releases.get(story)?.();
  }

  private async commit(all: boolean): Promise<void> {
    if (!this.dirty.size && !this.finished.size) return;
    const now = this.o.clock.now();
    const finishing = [...this.finished];
    this.finished.clear();
    const progress: { story: TrackedStory; write: ProgressWrite }[] = [];
    for (const story of this.dirty) {
      if (all || now - story.lastWriteAt >= this.o.progressWriteIntervalMs) {
        // Progress that is not due yet stays pending: after a crash those tasks simply run again.
        const taskNumbers = story.pending.splice(0);
        story.inFlight = taskNumbers.length;
        progress.push({
          story,
          write: { id: story.id, taskNumbers, doneCount: story.committedDone + taskNumbers.length, startedAt: story.startedAt },
        });
        this.dirty.delete(story);
      }
    }
    await Promise.all([this.commitProgress(progress, now), this.commitFinished(finishing, now)]);
  }

  private async commitProgress(batch: { story: TrackedStory; write: ProgressWrite }[], now: number): Promise<void> {
    if (!batch.length) return;
    try {
      await this.o.store.writeProgress(
        batch.map((b) => b.write),
        new Date(now),
      );
      for (const { story, write } of batch) {
        story.committedDone += story.inFlight;
        story.inFlight = 0;
        story.lastWriteAt = now;
        if (write.startedAt !== null) story.startedAtStored = true;
      }
      this.commitSucceeded();
    } catch (error) {
      // Nothing is lost: the completions go back and a later flush retries them.
      for (const { story, write } of batch) {
        story.inFlight = 0;
        if (story.removed) continue;
        story.pending.unshift(...write.taskNumbers);
        // Its last tasks may have finished meanwhile: then it already waits in `finished`.
        if (!this.finished.has(story)) this.dirty.add(story);
      }
      this.commitFailed(error, 'writing task progress failed; will retry');
    }
  }

  private async commitFinished(stories: TrackedStory[], now: number): Promise<void> {
    if (!stories.length) return;
    const attempt = randomUUID();
    const prior = [...new Set(stories.flatMap((s) => s.commitAttempts))];
    try {
      const completed = await this.o.store.completeStories(
        stories.map((s) => s.id),
        attempt,
        prior,
        new Date(now),
      );
      for (const story of stories) {
        story.committedDone = story.taskCount;
        story.pending.length = 0;
        this.leave(story);
        this.changed(story, 'done');
      }
      if (completed)
        this.o.counters.storiesCompleted(
          completed,
          stories.reduce((n, s) => n + s.taskCount, 0),
        );
      this.commitSucceeded();
    } catch (error) {
      // The write may have landed before it failed: the retry also matches stories marked by this attempt,
      // so each is counted once, by whichever attempt of ours is acknowledged. Retried by the progress
      // loop's next flush, not at once: the database needs a moment.
      for (const story of stories) {
        if (story.removed) continue;
        story.commitAttempts.push(attempt);
        this.finished.add(story);
      }
      this.commitFailed(error, 'committing finished stories failed; will retry');
    }
  }

  private changed(story: TrackedStory, change: StoryChange): void {
    this.onChange?.(story, change);
  }

  private commitFailed(error: unknown, message: string): void {
    if (!this.failing) this.o.logger.error({ err: error }, message);
    this.failing = true;
  }

  private commitSucceeded(): void {
    if (this.failing) this.o.logger.info('committing completions works again');
    this.failing = false;
  }
}
