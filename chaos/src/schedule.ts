import { randomInt, seededRandom, type Random } from '@storyflow/test-support';

/** What the nemesis does to the system (see Nemesis). */
export type FaultKind =
  /** kill -9 one instance; it is started again when the fault ends. */
  | 'kill-instance'
  /** SIGSTOP Redis, SIGCONT when the fault ends. */
  | 'freeze-redis'
  /** kill -9 Redis; a new, empty one starts on its port when the fault ends. */
  | 'restart-redis-empty'
  /** SIGSTOP the database, SIGCONT when the fault ends. */
  | 'freeze-database'
  /** One instance's connections to Redis cut (its TCP proxy refuses and drops them), longer than LEASE_MS. */
  | 'cut-redis'
  /** A hostile Socket.IO client flooding frames through nginx. */
  | 'socket-flood';

export const FAULT_KINDS: readonly FaultKind[] = [
  'kill-instance',
  'freeze-redis',
  'restart-redis-empty',
  'freeze-database',
  'cut-redis',
  'socket-flood',
];

export interface PlannedFault {
  kind: FaultKind;
  /** The instance it hits (kill-instance, cut-redis). */
  target?: number;
  /** From the start of the run. */
  atMs: number;
  durationMs: number;
}

export interface ScheduleOptions {
  seconds: number;
  seed: number;
  instances: number;
  leaseMs: number;
}

/** No fault before the clients have run a while, nor in the last seconds (the system heals before the check). */
const WARM_UP_MS = 5_000;
const QUIET_END_MS = 3_000;
const GAP_MS: [number, number] = [2_000, 4_000];

/** How long each kind lasts, ms: a cut outlasts the lease, so the instance must let its stories go. */
function durationRange(kind: FaultKind, leaseMs: number): [number, number] {
  switch (kind) {
    case 'kill-instance':
      return [3_000, 5_000];
    // Long enough for health to be judged during them, past the time allowed to notice (see the checker).
    case 'freeze-redis':
      return [4_000, 7_000];
    case 'restart-redis-empty':
      return [3_500, 5_500];
    case 'freeze-database':
      return [5_000, 8_000];
    case 'cut-redis':
      return [leaseMs + 1_000, leaseMs + 2_500];
    case 'socket-flood':
      return [4_000, 6_000];
  }
}

function shuffled<T>(items: readonly T[], random: Random): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(random, 0, i);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * The faults of a run, one after another, from a seed (the same seed, the same schedule): rounds of every
 * kind in a shuffled order, each lasting a random time within its range, a random gap after each. A fault
 * that would end too late takes its shortest duration, or is left out.
 */
export function planFaults({ seconds, seed, instances, leaseMs }: ScheduleOptions): PlannedFault[] {
  const random = seededRandom(seed);
  const end = seconds * 1000 - QUIET_END_MS;
  const faults: PlannedFault[] = [];
  let at = WARM_UP_MS;
  for (;;) {
    let placed = 0;
    for (const kind of shuffled(FAULT_KINDS, random)) {
      const [min, max] = durationRange(kind, leaseMs);
      let durationMs = randomInt(random, min, max);
      if (at + durationMs > end) durationMs = min;
      if (at + durationMs > end) continue;
      const targeted = kind === 'kill-instance' || kind === 'cut-redis';
      faults.push({ kind, ...(targeted ? { target: randomInt(random, 0, instances - 1) } : {}), atMs: at, durationMs });
      at += durationMs + randomInt(random, ...GAP_MS);
      placed++;
    }
    if (!placed) return faults;
  }
}
