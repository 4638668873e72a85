import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger.js';
import { Backoff } from '../shared/backoff.js';
import type { Clock } from '../shared/clock.js';
import type { CompletionCounter, CompletionStore, ProgressWrite } from './ports.js';
import { isFinished, type TrackedStory } from './tracked-story.js';

export interface CompletionCommitterOptions {
  store: CompletionStore;
  counters: CompletionCounter;
  clock: Clock;
  logger: Logger;
  /** How often progress of running stories is looked at (finished stories are committed at once). */
  flushIntervalMs: number;
  /** At most one progress write per story per this interval; a story's final update is never delayed. */
  progressWriteIntervalMs: number;
  /** A story's Done is stored (called inside the store's critical section, see CompletionStore). */
  onStoredDone: (story: TrackedStory) => void;
  /** Its commit found it Done by another instance already: it leaves, not counted by us. */
  onDoneElsewhere: (story: TrackedStory) => void;
  /** How long `stop` retries a failed commit, once per `flushIntervalMs` (default 0: once); the rest runs again at the next start. */
  stopRetryMs?: number;
}

interface Failure {
  error: unknown;
  message: string;
}

interface ProgressItem {
  story: TrackedStory;
  write: ProgressWrite;
}

const RETRY_INITIAL_MS = 100;
const RETRY_MAX_MS = 5_000;

/**
 * Group commit of completions, one commit in flight (`flushing`): a finished story joins it or the next, so a burst costs a write
 * per batch. After a failure nothing is committed until the backoff allows: what waits is bounded by admission, not the outage.
 */
export class CompletionCommitter {
  /** Running stories with completions not yet committed. */
  private readonly dirty = new Set<TrackedStory>();
  /** Stories whose last task is done, waiting for their final commit. */
  private readonly finished = new Set<TrackedStory>();
  private flushing: Promise<void> | null = null;
  private flushAgain = false;
  private progressTimer: unknown;
  private retryTimer: unknown = null;
  private stopped = false;
  /** Carried by every completion this committer writes, so a retry counts each story once (see CompletionStore). */
  private readonly mark = randomUUID();
  private readonly backoff = new Backoff(RETRY_INITIAL_MS, RETRY_MAX_MS);
  /** The last commit failed: the next failure is not logged again (an outage fails every flush). */
  private failing = false;

  constructor(private readonly options: CompletionCommitterOptions) {}

  /** Starts the progress loop (finished stories do not wait for it). */
  start(): void {
    this.progressTimer = this.options.clock.setTimeout(() => {
      void this.flush().finally(() => !this.stopped && this.start());
    }, this.options.flushIntervalMs);
  }

  noteTaskDone(story: TrackedStory, taskNumber: number): void {
    story.pending.push(taskNumber);
    if (isFinished(story)) {
      story.ranUntil = this.options.clock.now();
      this.dirty.delete(story);
      this.finished.add(story);
    } else {
      this.dirty.add(story);
    }
  }

  /** A story taken on with every task already done (recovered after its last progress write). */
  noteFinished(story: TrackedStory): void {
    this.finished.add(story);
    this.commitFinishedSoon();
  }

  /** The insert of a story that ran while storing landed: what it finished meanwhile may be committed now. */
  noteStored(story: TrackedStory): void {
    if (this.finished.has(story)) this.commitFinishedSoon();
  }

  /** The story left memory (deleted, disowned, or committed): nothing more is committed for it. */
  drop(story: TrackedStory): void {
    this.dirty.delete(story);
    this.finished.delete(story);
  }

  /** Group commit: finished stories go out now, or right after the commit in flight (or once a backoff ends). */
  commitFinishedSoon(): void {
    if (!this.finished.size || this.stopped) return;
    if (this.flushing) this.flushAgain = true;
    else void this.flush();
  }

  /** Commits finished stories and due progress, unless a failure's backoff is not over. Concurrent calls share one commit. */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    if (!this.backoff.ready(this.options.clock.now())) {
      this.retryWhenReady();
      return Promise.resolve();
    }
    return this.startCommit('due');
  }

  /** Stops the loop and commits everything done in memory, retrying a failed commit for up to `stopRetryMs`. */
  async stop(): Promise<void> {
    this.stopped = true;
    const { clock, flushIntervalMs, stopRetryMs = 0, logger } = this.options;
    clock.clearTimeout(this.progressTimer);
    clock.clearTimeout(this.retryTimer);
    await this.flushing;
    const giveUpAt = clock.now() + stopRetryMs;
    // At a stop every completion goes, due or not, and the backoff yields to the stop's own pace.
    await this.startCommit('all');
    while (this.uncommitted().stories && clock.now() < giveUpAt) {
      await new Promise<void>((resolve) => clock.setTimeout(resolve, flushIntervalMs));
      await this.startCommit('all');
    }
    const left = this.uncommitted();
    if (left.stories) logger.warn(left, 'stopped with completions not committed: those tasks run again at the next start');
  }

  /** What a commit could still write (a story whose insert is in flight cannot be committed yet). */
  private uncommitted(): { stories: number; tasks: number } {
    let stories = 0;
    let tasks = 0;
    for (const story of [...this.dirty, ...this.finished]) {
      if (story.storing) continue;
      stories++;
      tasks += this.finished.has(story) ? story.taskCount - story.committedDone : story.pending.length;
    }
    return { stories, tasks };
  }

  private startCommit(progress: 'due' | 'all'): Promise<void> {
    this.flushing = this.commit(progress).finally(() => {
      this.flushing = null;
      if (this.flushAgain && !this.stopped) {
        this.flushAgain = false;
        void this.flush();
      }
    });
    return this.flushing;
  }

  /** After a failure: one commit when the backoff ends, however many stories finish meanwhile. */
  private retryWhenReady(): void {
    if (this.retryTimer !== null || this.stopped) return;
    const { clock } = this.options;
    this.retryTimer = clock.setTimeout(
      () => {
        this.retryTimer = null;
        void this.flush();
      },
      Math.max(0, this.backoff.readyAt - clock.now()),
    );
  }

  private async commit(progress: 'due' | 'all'): Promise<void> {
    if (!this.dirty.size && !this.finished.size) return;
    const now = this.options.clock.now();
    // A story still being inserted waits in `finished` for its insert (see noteStored).
    const finishing = [...this.finished].filter((story) => !story.storing);
    for (const story of finishing) this.finished.delete(story);
    const outcomes = await Promise.all([this.commitProgress(this.takeProgress(progress, now), now), this.commitFinished(finishing, now)]);
    const error = outcomes.find((outcome) => outcome !== null);
    if (error === undefined) return this.succeeded();
    this.backoff.failed(this.options.clock.now());
    if (!this.failing) this.options.logger.error({ err: error.error, retryInMs: this.backoff.currentDelayMs }, error.message);
    this.failing = true;
    this.retryWhenReady();
  }

  private takeProgress(which: 'due' | 'all', now: number): ProgressItem[] {
    const due: ProgressItem[] = [];
    for (const story of this.dirty) {
      // Progress that is not due yet stays pending: after a crash those tasks simply run again.
      if (story.storing || (which === 'due' && now - story.lastWriteAt < this.options.progressWriteIntervalMs)) continue;
      const taskNumbers = story.pending.splice(0);
      story.inFlight = taskNumbers.length;
      const write = { id: story.id, taskNumbers, doneCount: story.committedDone + taskNumbers.length, startedAt: story.startedAt };
      due.push({ story, write });
      this.dirty.delete(story);
    }
    return due;
  }

  private async commitProgress(batch: ProgressItem[], now: number): Promise<Failure | null> {
    if (!batch.length) return null;
    try {
      await this.options.store.writeProgress(
        batch.map((item) => item.write),
        new Date(now),
      );
      for (const { story } of batch) {
        story.committedDone += story.inFlight;
        story.inFlight = 0;
        story.lastWriteAt = now;
      }
      return null;
    } catch (error) {
      for (const { story, write } of batch) {
        story.inFlight = 0;
        if (story.removed) continue;
        story.pending.unshift(...write.taskNumbers);
        // Its last tasks may have finished meanwhile: then it already waits in `finished`.
        if (!this.finished.has(story)) this.dirty.add(story);
      }
      return { error, message: 'writing task progress failed; will retry' };
    }
  }

  private async commitFinished(stories: TrackedStory[], now: number): Promise<Failure | null> {
    if (!stories.length) return null;
    const finished = stories.map(({ id, startedAt, ranUntil }) => ({ id, startedAt, ranUntil }));
    try {
      await this.options.store.completeStories(finished, this.mark, new Date(now), (completed, ours) => {
        for (const story of stories) {
          // Deleted or disowned while this commit was in flight: it has left memory already.
          if (story.removed) continue;
          story.committedDone = story.taskCount;
          story.pending.length = 0;
          story.completedAt = now;
          if (ours(story.id)) this.options.onStoredDone(story);
          else this.options.onDoneElsewhere(story);
        }
        const tasks = stories.reduce((sum, story) => sum + story.taskCount, 0);
        if (completed) this.options.counters.storiesCompleted(completed, tasks);
      });
      return null;
    } catch (error) {
      // The write may have landed before it failed: the retry matches our mark (see CompletionStore).
      for (const story of stories) if (!story.removed) this.finished.add(story);
      return { error, message: 'committing finished stories failed; will retry' };
    }
  }

  private succeeded(): void {
    this.backoff.succeeded();
    if (this.failing) this.options.logger.info('committing completions works again');
    this.failing = false;
  }
}
