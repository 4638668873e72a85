/** The worker pool at the end of a second. */
export interface PoolLoad {
  poolSize: number;
  busyWorkers: number;
  backlogTasks: number;
  /** Processing is paused (operator). */
  paused: boolean;
}

/** Instances' pools add up; the cluster counts as paused when any instance is. */
export function sumPoolLoad(pools: readonly PoolLoad[]): PoolLoad {
  return pools.reduce(
    (sum, p) => ({
      poolSize: sum.poolSize + p.poolSize,
      busyWorkers: sum.busyWorkers + p.busyWorkers,
      backlogTasks: sum.backlogTasks + p.backlogTasks,
      paused: sum.paused || p.paused,
    }),
    { poolSize: 0, busyWorkers: 0, backlogTasks: 0, paused: false },
  );
}
