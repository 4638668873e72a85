import type { CounterCache } from '../stats/counter-cache.js';
import { DoneStories } from './done-stories.js';
import type { StoryLedger } from './story-ledger.js';
import type { StoryRepository } from './story.repository.js';

/**
 * Retention's side of the stories: removes the oldest stored Done stories, a batch at a time; counters
 * keep counting them. Candidates come from an in-memory list of the Done stories stored (filled at start
 * and by each completion), not from a query per purge; in a cluster, where other instances complete
 * stories too, from the database when the list has none.
 */
export class DoneStoryPurge {
  private readonly done = new DoneStories();

  constructor(
    private readonly deps: {
      repository: StoryRepository;
      ledger: StoryLedger;
      counters: CounterCache;
      /** Other instances complete stories too: look in the database when the list is empty. */
      shared: boolean;
    },
  ) {}

  /** Reads the stored Done stories once, at start. */
  async loadStored(): Promise<void> {
    for (const ref of await this.deps.repository.doneRefs()) this.done.add(ref.id, ref.taskCount, ref.completedAt);
  }

  /** A story this instance committed Done. */
  noteStoredDone(id: string, taskCount: number, at: number): void {
    this.done.add(id, taskCount, at);
  }

  /** The story was removed another way (deleted). */
  forget(id: string): void {
    this.done.remove(id);
  }

  /** Removes up to `batch` Done stories completed before the cutoff (if given, else the oldest); returns how many. */
  async purge(cutoff: Date | undefined, batch: number): Promise<number> {
    const refs = this.done.take(batch, cutoff?.getTime());
    if (!refs.length) return this.deps.shared ? this.purgeFound(batch, cutoff) : 0;
    let removed;
    try {
      removed = await this.deps.ledger.purge(refs);
    } catch (error) {
      this.done.restore(refs);
      throw error;
    }
    this.deps.counters.storiesRemoved(removed, 'purge');
    return removed.done;
  }

  private async purgeFound(batch: number, cutoff?: Date): Promise<number> {
    const { refs, removed } = await this.deps.ledger.purgeFound(batch, cutoff);
    for (const ref of refs) this.done.remove(ref.id);
    this.deps.counters.storiesRemoved(removed, 'purge');
    return removed.done;
  }
}
