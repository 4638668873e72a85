import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { DEFAULT_AUTOSCALER } from '../processing/autoscaler.js';
import { createProcessor } from '../processing/processor.js';
import type { Clock } from '../shared/clock.js';
import type { Lifecycle } from '../shared/lifecycle.js';
import type { CounterCache } from '../stats/counter-cache.js';
import type { Retention } from '../stories/retention.js';
import type { Storage } from './storage.js';

/** The processor and its admission, committing through the ledger; not started (Open stories are recovered into it first). */
export function createProcessing(
  config: Config,
  storage: Storage,
  counters: CounterCache,
  retention: Retention,
  clock: Clock,
  logger: Logger,
  lifecycle: Lifecycle,
) {
  const { capacity } = storage.profile;
  const { processor, admission } = createProcessor({
    store: storage.ledger,
    counters,
    clock,
    logger,
    autoscaler: {
      ...DEFAULT_AUTOSCALER,
      min: config.pool.min,
      max: config.pool.max,
      targetWaitMs: config.pool.targetWaitMs,
      shrinkCooldownMs: config.pool.shrinkCooldownMs,
    },
    autoscaleIntervalMs: config.pool.intervalMs,
    flushIntervalMs: config.flushIntervalMs,
    progressWriteIntervalMs: config.progressWriteIntervalMs,
    // Half the shutdown bound: the parts that stop after it (the database) keep the rest.
    stopRetryMs: config.shutdownTimeoutMs / 2,
    admission: {
      bounds: { tasks: config.maxOpenTasks, stories: config.maxOpenStories },
      // Done tasks over retention's bound hold back new work until purged: what is stored stays bounded.
      backlogElsewhere: () => retention.excessDoneTasks(),
      // A database with a heap of its own holds Done stories too: admitted work always fits in it.
      storage: capacity && {
        ...capacity,
        storedDone: () => ({ stories: counters.current.storedDone, tasks: counters.current.storedDoneTasks }),
        retryAfterSec: retention.roomReturnsAfterSec(),
      },
    },
  });
  processor.changes.add((story, change) => change === 'done' && retention.noteStoredDone(story.id, story.taskCount, clock.now()));
  admission.onRefused(() => retention.kick());
  lifecycle.started('processor', () => processor.stop());
  return { processor, admission };
}

export type Processing = ReturnType<typeof createProcessing>;
