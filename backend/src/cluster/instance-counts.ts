/** What an instance counted in one second, or since it started. */
export interface Counts {
  produced: number;
  completed: number;
  removed: number;
  tasksDone: number;
  /** Story latencies per bucket (LATENCY_BUCKETS_MS and the overflow). */
  latency: number[];
}

/** An instance's counts since it started (`since`, epoch ms): they only grow while it runs. */
export interface CountsSince extends Counts {
  since: number;
}

export const noCounts = (buckets: number): Counts => ({
  produced: 0,
  completed: 0,
  removed: 0,
  tasksDone: 0,
  latency: new Array<number>(buckets).fill(0),
});

/** `a + b`, field by field (the instance side keeps its running totals with it). */
export function addCounts(a: Counts, b: Counts): Counts {
  return {
    produced: a.produced + b.produced,
    completed: a.completed + b.completed,
    removed: a.removed + b.removed,
    tasksDone: a.tasksDone + b.tasksDone,
    latency: a.latency.map((n, i) => n + (b.latency[i] ?? 0)),
  };
}

function subtract(a: Counts, b: Counts): Counts | null {
  const scalar = (['produced', 'completed', 'removed', 'tasksDone'] as const).map((k) => a[k] - b[k]);
  const latency = a.latency.map((n, i) => n - (b.latency[i] ?? 0));
  if (scalar.some((n) => n < 0) || latency.some((n) => n < 0) || b.latency.length > a.latency.length) return null;
  const [produced, completed, removed, tasksDone] = scalar as [number, number, number, number];
  return { produced, completed, removed, tasksDone, latency };
}

/**
 * The leader's view of each instance's running totals: a report counts what is new since the last one read, so a late report
 * counts in the next second, not never. An instance seen first (restarted, or a new leader) counts its own second's figures.
 */
export class CountsSinceLastSeen {
  private readonly last = new Map<string, CountsSince>();

  take(instance: string, totals: CountsSince, ownSecond: Counts): Counts {
    const before = this.last.get(instance);
    this.last.set(instance, totals);
    if (!before || before.since !== totals.since) return ownSecond;
    return subtract(totals, before) ?? ownSecond;
  }

  /** Drops the instances not in `alive` (dead ones report nothing more). */
  keepOnly(alive: ReadonlySet<string>): void {
    for (const id of this.last.keys()) if (!alive.has(id)) this.last.delete(id);
  }
}
