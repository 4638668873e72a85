import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { roomReturnsAfterSec } from '../db/storage-profile.js';
import { DEFAULT_AUTOSCALER } from '../processing/autoscaler.js';
import { Processor } from '../processing/processor.js';
import type { Clock } from '../shared/clock.js';
import type { Lifecycle } from '../shared/lifecycle.js';
import type { CounterCache } from '../stats/counter-cache.js';
import type { Storage } from './storage.js';

/**
 * The processor (admission, fair queue, adaptive pool, completion committer), committing through the
 * ledger. Not started: the Open stories are recovered into it first (see server.ts).
 */
export function createProcessing(
  config: Config,
  storage: Storage,
  counters: CounterCache,
  clock: Clock,
  logger: Logger,
  lifecycle: Lifecycle,
) {
  const { maxDoneTasks, capacity } = storage.profile;
  const processor = new Processor({
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
    maxOpen: { tasks: config.maxOpenTasks, stories: config.maxOpenStories },
    // Done tasks over the retention bound wait for the purge: until then they hold back new work, so what
    // the database holds stays bounded whatever clients send.
    backlogElsewhere: () => (maxDoneTasks > 0 ? Math.max(0, counters.current.storedDoneTasks - maxDoneTasks) : 0),
    // A database with a heap of its own holds Done stories too: admitted work always fits in it.
    storage: capacity && {
      ...capacity,
      storedDone: () => ({ stories: counters.current.storedDone, tasks: counters.current.storedDoneTasks }),
      retryAfterSec: roomReturnsAfterSec(storage.profile),
    },
  });
  lifecycle.started('processor', () => processor.stop());
  return processor;
}
