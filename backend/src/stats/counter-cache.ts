/** What the database holds at start (stories still stored plus the cumulative counters document). */
export interface SeedTotals {
  open: number;
  done: number;
  doneTasks: number;
  removedOpen: number;
  removedDone: number;
  purged: number;
  deleted: number;
}

export interface CounterValues {
  produced: number;
  completed: number;
  open: number;
  deleted: number;
  purged: number;
  /** Tasks of the Done stories still stored (retention bounds it in the in-memory mode). */
  storedDoneTasks: number;
}

/**
 * The statistics, answered from memory. Seeded once from the database, then moved only by committed
 * writes, so it matches the database.
 */
export class CounterCache {
  private values: CounterValues = { produced: 0, completed: 0, open: 0, deleted: 0, purged: 0, storedDoneTasks: 0 };

  seed(t: SeedTotals): void {
    this.values = {
      produced: t.open + t.done + t.removedOpen + t.removedDone,
      completed: t.done + t.removedDone,
      open: t.open,
      deleted: t.deleted,
      purged: t.purged,
      storedDoneTasks: t.doneTasks,
    };
  }

  get current(): Readonly<CounterValues> {
    return this.values;
  }

  storyCreated(): void {
    this.values.produced++;
    this.values.open++;
  }

  /** `stories` turned Done by our commit; `tasks` of the stories in it (now stored Done). */
  storiesCompleted(stories: number, tasks = 0): void {
    this.values.completed += stories;
    this.values.open -= stories;
    this.values.storedDoneTasks += tasks;
  }

  /** Deleted or purged stories leave `produced` and `completed` as they were: they are cumulative. */
  storiesRemoved(counts: { open: number; done: number; doneTasks: number }, reason: 'delete' | 'purge'): void {
    this.values.open -= counts.open;
    this.values.storedDoneTasks = Math.max(0, this.values.storedDoneTasks - counts.doneTasks);
    this.values[reason === 'purge' ? 'purged' : 'deleted'] += counts.open + counts.done;
  }
}
