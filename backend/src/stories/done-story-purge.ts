import type { CounterCache } from '../stats/counter-cache.js';
import { DoneStories } from './done-stories.js';
import type { StoryLedger } from './story-ledger.js';
import type { StoryRepository } from './story.repository.js';

/** The most Done stories listed in memory (about 150 bytes each); beyond, the purge queries for them. */
export const MAX_LISTED_DONE = 20_000;

/**
 * Retention's side of the stories: removes the oldest stored Done stories, a batch at a time; counters
 * keep counting them. Candidates come from an in-memory list of the Done stories stored (filled at start
 * and by each completion), not from a query per purge; from the database when the list has none and the
 * database may hold more (other instances complete stories too, or the list was full). Without retention
 * nothing is listed: memory does not grow with the stories finished.
 */
export class DoneStoryPurge {
  private readonly done: DoneStories;

  constructor(
    private readonly deps: {
      repository: StoryRepository;
      ledger: StoryLedger;
      counters: CounterCache;
      /** Retention runs: keep the list (otherwise it is never read). */
      retention: boolean;
      /** Other instances complete stories too: look in the database when the list is empty. */
      shared: boolean;
      /** At most this many listed (default MAX_LISTED_DONE). */
      capacity?: number;
    },
  ) {
    this.done = new DoneStories(deps.retention ? (deps.capacity ?? MAX_LISTED_DONE) : 0);
  }

  /** Listed now (for tests and metrics). */
  get listed(): number {
    return this.done.size;
  }

  /** Reads the oldest stored Done stories once, at start (as many as the list holds). */
  async loadStored(): Promise<void> {
    if (!this.deps.retention) return;
    const refs = await this.deps.repository.doneRefs(this.done.capacity + 1);
    for (const ref of refs) this.done.add(ref.id, ref.taskCount, ref.completedAt);
  }

  /** A story this instance committed Done. */
  noteStoredDone(id: string, taskCount: number, at: number): void {
    if (this.deps.retention) this.done.add(id, taskCount, at);
  }

  /** The story was removed another way (deleted). */
  forget(id: string): void {
    this.done.remove(id);
  }

  /** Removes up to `batch` Done stories completed before the cutoff (if given, else the oldest); returns how many. */
  async purge(cutoff: Date | undefined, batch: number): Promise<number> {
    // Once the list missed some, it no longer says which are oldest: the database does (by completion).
    if (this.done.incomplete) return this.purgeFound(batch, cutoff);
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
