/** Reads the tasks run to the end in each second, from the cumulative count of the pool's. */
export class TasksDoneMeter {
  private last: number;

  constructor(private readonly tasksRun: () => number) {
    this.last = tasksRun();
  }

  /** Tasks done since the previous read. */
  read(): number {
    const now = this.tasksRun();
    const done = now - this.last;
    this.last = now;
    return done;
  }
}

/** Instances' tasks done add up. */
export const sumTasksDone = (counts: readonly number[]): number => counts.reduce((a, b) => a + b, 0);
