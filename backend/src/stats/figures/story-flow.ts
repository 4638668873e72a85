import type { CounterCache } from '../counter-cache.js';

/** Stories produced, completed and removed (deleted or purged) in one second. */
export interface StoryFlow {
  produced: number;
  completed: number;
  removed: number;
}

type Cumulative = StoryFlow;

const cumulative = ({ current }: CounterCache): Cumulative => ({
  produced: current.produced,
  completed: current.completed,
  removed: current.deleted + current.purged,
});

/** Reads the flow of each second as the difference of the counter cache's cumulative counts. */
export class StoryFlowMeter {
  private last: Cumulative;

  constructor(private readonly counters: CounterCache) {
    this.last = cumulative(counters);
  }

  /** The flow since the previous read. */
  read(): StoryFlow {
    const now = cumulative(this.counters);
    const flow = {
      produced: now.produced - this.last.produced,
      completed: now.completed - this.last.completed,
      removed: now.removed - this.last.removed,
    };
    this.last = now;
    return flow;
  }
}

/** Instances' flows add up. */
export function sumStoryFlow(flows: readonly StoryFlow[]): StoryFlow {
  return flows.reduce(
    (sum, f) => ({ produced: sum.produced + f.produced, completed: sum.completed + f.completed, removed: sum.removed + f.removed }),
    {
      produced: 0,
      completed: 0,
      removed: 0,
    },
  );
}
