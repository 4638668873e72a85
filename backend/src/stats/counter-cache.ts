/** What the database holds at start (stories still stored plus the cumulative counters document). */
export interface SeedTotals {
  /** When counting began (epoch ms). */
  since: number;
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
  /** Done stories still stored, and their tasks (retention bounds those in the in-memory mode). */
  storedDone: number;
  storedDoneTasks: number;
}

/** The statistics from memory: seeded once from the database, then moved only by committed writes, so it matches it. */
export class CounterCache {
  private values: CounterValues = { produced: 0, completed: 0, open: 0, deleted: 0, purged: 0, storedDone: 0, storedDoneTasks: 0 };
  private countingSince = 0;

  /** When counting began (epoch ms): changes when the server starts on an empty database. */
  get since(): number {
    return this.countingSince;
  }

  seed(t: SeedTotals): void {
    this.countingSince = t.since;
    this.values = {
      produced: t.open + t.done + t.removedOpen + t.removedDone,
      completed: t.done + t.removedDone,
      open: t.open,
      deleted: t.deleted,
      purged: t.purged,
      storedDone: t.done,
      storedDoneTasks: t.doneTasks,
    };
  }

  get current(): Readonly<CounterValues> {
    return this.values;
  }

  storyProduced(): void {
    this.values.produced++;
    this.values.open++;
  }

  /** `stories` turned Done by our commit; `tasks` of the stories in it (now stored Done). */
  storiesCompleted(stories: number, tasks = 0): void {
    this.values.completed += stories;
    this.values.open -= stories;
    this.values.storedDone += stories;
    this.values.storedDoneTasks += tasks;
  }

  /** Deleted or purged stories leave `produced` and `completed` as they were: they are cumulative. */
  storiesRemoved(counts: { open: number; done: number; doneTasks: number }, reason: 'delete' | 'purge'): void {
    this.values.open -= counts.open;
    this.values.storedDone = Math.max(0, this.values.storedDone - counts.done);
    this.values.storedDoneTasks = Math.max(0, this.values.storedDoneTasks - counts.doneTasks);
    this.values[reason === 'purge' ? 'purged' : 'deleted'] += counts.open + counts.done;
  }
}
