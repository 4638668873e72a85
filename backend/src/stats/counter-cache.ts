import type { RemovedCounts, StoredTotals } from '../stories/story.repository.js';

export interface CounterValues {
  produced: number;
  completed: number;
  open: number;
  deleted: number;
  purged: number;
}

/**
 * The statistics, answered from memory. Seeded once from the database (stories still stored plus the
 * cumulative `counters` document), then moved only by committed writes, so it matches the database.
 */
export class CounterCache {
  private values: CounterValues = { produced: 0, completed: 0, open: 0, deleted: 0, purged: 0 };

  seed(t: StoredTotals): void {
    this.values = {
      produced: t.open + t.done + t.removedOpen + t.removedDone,
      completed: t.done + t.removedDone,
      open: t.open,
      deleted: t.deleted,
      purged: t.purged,
    };
  }

  get current(): Readonly<CounterValues> {
    return this.values;
  }

  storyCreated(): void {
    this.values.produced++;
    this.values.open++;
  }

  storiesCompleted(n: number): void {
    this.values.completed += n;
    this.values.open -= n;
  }

  /** Deleted or purged stories leave `produced` and `completed` as they were: they are cumulative. */
  storiesRemoved(counts: RemovedCounts, reason: 'delete' | 'purge'): void {
    this.values.open -= counts.open;
    this.values[reason === 'purge' ? 'purged' : 'deleted'] += counts.open + counts.done;
  }
}
