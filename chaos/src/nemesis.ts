import { sleep } from '@storyflow/test-support';
import type { FaultKind, PlannedFault } from './schedule.js';
import type { ChaosSystem } from './system.js';

/** A fault as it happened: from its start until the system was whole again (a killed instance: healthy once more). */
export interface FaultWindow {
  kind: FaultKind;
  target?: number;
  start: number;
  end: number;
  /** Why it did not happen as planned (e.g. a database that is not ours cannot be frozen). */
  skipped?: string;
}

/**
 * Jepsen's nemesis: applies each planned fault at its time, holds it, then heals it, and records when each
 * really began and ended (the checker judges health against these windows, not against the plan).
 */
export async function runNemesis(
  system: ChaosSystem,
  plan: PlannedFault[],
  startedAt: number,
  log: (line: string) => void,
): Promise<FaultWindow[]> {
  const windows: FaultWindow[] = [];
  for (const fault of plan) {
    const wait = startedAt + fault.atMs - Date.now();
    if (wait > 0) await sleep(wait);
    const start = Date.now();
    const target = fault.target;
    log(
      `${((start - startedAt) / 1000).toFixed(1)} s: ${fault.kind}${target === undefined ? '' : ` i${target}`} for ${(fault.durationMs / 1000).toFixed(1)} s`,
    );
    const skipped = await apply(system, fault);
    windows.push({
      kind: fault.kind,
      ...(target === undefined ? {} : { target }),
      start,
      end: Date.now(),
      ...(skipped ? { skipped } : {}),
    });
  }
  return windows;
}

/** Applies one fault, holds it for its duration and heals it; resolves once healed. */
async function apply(system: ChaosSystem, { kind, target = 0, durationMs }: PlannedFault): Promise<string | undefined> {
  switch (kind) {
    case 'kill-instance':
      system.killInstance(target);
      await sleep(durationMs);
      await system.startInstance(target);
      return;
    case 'freeze-redis':
      system.freezeRedis();
      await sleep(durationMs);
      system.thawRedis();
      return;
    case 'restart-redis-empty':
      await system.killRedis();
      await sleep(durationMs);
      await system.startRedisEmpty();
      return;
    case 'freeze-database':
      if (!system.databaseFreezable) {
        await sleep(durationMs);
        return 'the database is not a process of this run (MONGODB_URI is set)';
      }
      system.freezeDatabase();
      await sleep(durationMs);
      system.thawDatabase();
      return;
    case 'cut-redis':
      system.cutRedis(target);
      await sleep(durationMs);
      system.healRedis(target);
      return;
    case 'socket-flood':
      await system.flood(durationMs / 1000).outcome.catch(() => undefined);
      return;
  }
}
