import type { CompletionStore, OnCompleted, ProgressWrite } from '../processing/ports.js';
import { SerialLock } from '../shared/serial-lock.js';
import type { IsAbandoned, RemovalJournal, RemovalStory, RemovedCounts, SettledRemoval } from './removal-journal.js';
import type { StoryRef, StoryRepository } from './story.repository.js';

export type RemovalReason = 'delete' | 'purge';

/**
 * The only way a stored story's status changes: Open → Done (a completion commit) and → gone (a delete,
 * a purge, a settled removal). Each such change runs alone, with the caller's bookkeeping inside the same
 * critical section, so the status a delete reads is the one it removes and a story committed Done is
 * never counted as removed Open (the in-memory database has no atomic read-and-delete). The lock is
 * private: no caller can forget to take it. Progress writes change no status and never wait for it;
 * purges of Done stories need not either (a Done story stays Done: the deletes are status-filtered).
 */
export class StoryLedger implements CompletionStore {
  private readonly statusChanges = new SerialLock();

  constructor(
    private readonly repository: StoryRepository,
    private readonly journal: RemovalJournal,
  ) {}

  writeProgress(items: ProgressWrite[], now: Date): Promise<void> {
    return this.repository.writeProgress(items, now);
  }

  completeStories(ids: string[], mark: string, now: Date, onStored: OnCompleted): Promise<void> {
    return this.statusChanges.run(async () => {
      const { completed, ours } = await this.repository.completeStories(ids, mark, now);
      onStored(completed, ours);
    });
  }

  /** Removes the story if it exists, as it is stored now; `onRemoved` runs before any status can change again. */
  removeById<T>(id: string, onRemoved: (removed: RemovedCounts, ref: StoryRef) => Promise<T>): Promise<T | null> {
    return this.statusChanges.run(async () => {
      const ref = (await this.repository.refs([id])).get(id);
      if (!ref) return null;
      return onRemoved(await this.journal.remove([ref], 'delete'), ref);
    });
  }

  /** Removes up to `batch` stored Done stories (completed before the cutoff, if given). */
  removeDone(reason: RemovalReason, batch: number, completedBefore?: Date): Promise<{ refs: StoryRef[]; removed: RemovedCounts }> {
    return this.statusChanges.run(() => this.removeDoneNow(reason, batch, { ...(completedBefore ? { completedBefore } : {}) }));
  }

  /** Purge of Done stories already known (their status cannot change any more: no lock needed). */
  purge(stories: RemovalStory[]): Promise<RemovedCounts> {
    return this.journal.remove(stories, 'purge');
  }

  /** Purge of Done stories found in the database (cluster mode: completed by other instances). */
  async purgeFound(batch: number, completedBefore?: Date): Promise<{ refs: StoryRef[]; removed: RemovedCounts }> {
    return this.removeDoneNow('purge', batch, { ...(completedBefore ? { completedBefore } : {}), earliestFirst: true });
  }

  /** Settles our removals whose outcome was unknown (the database stopped answering mid-way). */
  settleRemovals(onSettled: (removal: SettledRemoval) => void): Promise<void> {
    if (!this.journal.unsettledCount) return Promise.resolve();
    return this.statusChanges.run(async () => {
      for (const removal of await this.journal.settle()) onSettled(removal);
    });
  }

  /** Finishes removals interrupted by a crash (journaled before the given time, if any). */
  resumeRemovals(abandoned?: IsAbandoned): Promise<{ open: number; done: number } | null> {
    return this.statusChanges.run(() => this.journal.resumePending(abandoned));
  }

  private async removeDoneNow(reason: RemovalReason, batch: number, which: Parameters<StoryRepository['findDone']>[1]) {
    const refs = await this.repository.findDone(batch, which);
    return { refs, removed: await this.journal.remove(refs, reason) };
  }
}
