import type { CompletionStore, FinishedStory, OnCompleted, ProgressWrite } from '../processing/ports.js';
import { SerialLock } from '../shared/serial-lock.js';
import type { IsAbandoned, RemovalJournal, RemovedCounts, SettledRemoval } from './removal-journal.js';
import type { StoryRef, StoryRepository } from './story.repository.js';

/**
 * The only way a stored status changes (complete, delete, purge, settle). Each change runs alone with its bookkeeping, so a story
 * is counted completed then removed Done, or removed Open, never both; purges of Done stories need no lock (Done stays Done).
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

  completeStories(stories: FinishedStory[], mark: string, now: Date, onStored: OnCompleted): Promise<void> {
    return this.statusChanges.run(async () => {
      const { completed, ours } = await this.repository.completeStories(stories, mark, now);
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

  /** Deletes up to `batch` stored Done stories (an operator's "delete all Done"). */
  deleteDone(batch: number): Promise<{ refs: StoryRef[]; removed: RemovedCounts }> {
    return this.statusChanges.run(async () => {
      const refs = await this.repository.findDone(batch);
      return { refs, removed: await this.journal.remove(refs, 'delete') };
    });
  }

  /** Retention's purge of Done stories it listed (a Done story stays Done: no lock needed). */
  purge(stories: StoryRef[]): Promise<RemovedCounts> {
    return this.journal.remove(stories, 'purge');
  }

  /** Retention's purge of the earliest completed Done stories found in the database (completed before the cutoff, if given). */
  async purgeOldest(batch: number, completedBefore?: Date): Promise<{ refs: StoryRef[]; removed: RemovedCounts }> {
    const refs = await this.repository.findDone(batch, { ...(completedBefore ? { completedBefore } : {}), earliestFirst: true });
    return { refs, removed: await this.journal.remove(refs, 'purge') };
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
}
