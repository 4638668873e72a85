import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Clock } from '../shared/clock.js';
import type { Lifecycle } from '../shared/lifecycle.js';
import type { CounterCache } from '../stats/counter-cache.js';
import { Retention } from '../stories/retention.js';
import type { Storage } from './storage.js';

/** Retention by the storage profile's bounds, started before the processor, which tells it of each story stored Done. */
export async function startRetention(
  config: Config,
  storage: Storage,
  counters: CounterCache,
  shared: boolean,
  clock: Clock,
  logger: Logger,
  lifecycle: Lifecycle,
): Promise<Retention> {
  const { profile, repository, ledger } = storage;
  const retention = new Retention({
    repository,
    ledger,
    counters,
    retentionMs: profile.retentionDoneSeconds * 1000,
    maxDoneTasks: profile.maxDoneTasks,
    sweepMs: config.retentionSweepMs,
    shared,
    clock,
    logger,
  });
  await retention.start();
  lifecycle.started('retention', () => retention.stop());
  return retention;
}
