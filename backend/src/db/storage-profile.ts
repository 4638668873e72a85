import type { DbMode } from '@storyflow/contracts';

/**
 * What the domain must respect of its database, decided here so stories/ and processing/ know no server. The in-memory stand-in
 * keeps every document in its heap and scans on every update and sort (ARCHITECTURE.md, "Database modes").
 */
export interface StorageProfile {
  /** Done stories older than this are purged by default (0: kept). RETENTION_DONE_SECONDS overrides. */
  retentionDoneSeconds: number;
  /** At most this many Done tasks stored by default (0: no bound; over it, new work waits). RETENTION_MAX_DONE_TASKS overrides. */
  maxDoneTasks: number;
  /** Listings at once, and queued beyond that, before one is refused with 503. */
  listings: { concurrent: number; queued: number };
  /** Room of a database keeping documents in its own heap (null: bounded by its disk); admission refuses what would not fit. */
  capacity: StorageCapacity | null;
  /** Where purged stories' Idempotency-Keys are kept: the database (TTL), or memory, at most `memory` (data that dies with us). */
  purgedKeys: 'database' | { memory: number };
  /**
   * How a batch of completions is written: `each` story with its own moments (when it started and ran until: its timing survives
   * a restart and is known to every instance), or all in one `shared` write without them (the stand-in scans its collection once per
   * written document: a write per story would cost a scan each).
   */
  completions: 'each' | 'shared';
}

/** Room in task units: a stored task is one, a story document `perStory` more (its fields and indexes). */
export interface StorageCapacity {
  units: number;
  perStory: number;
  /** What an operator can do when it is full. */
  remedy: string;
}

/** The stand-in's room per MB of heap above a base: 80 % of what a listing still fits in (measured: ARCHITECTURE.md). */
export const IN_MEMORY_UNITS_PER_MB = 350;
export const IN_MEMORY_BASE_MB = 10;
export const IN_MEMORY_UNITS_PER_STORY = 4;

const REAL_MONGODB: StorageProfile = {
  retentionDoneSeconds: 0,
  maxDoneTasks: 0,
  listings: { concurrent: 16, queued: 256 },
  capacity: null,
  purgedKeys: 'database',
  completions: 'each',
};

const inMemoryStandIn = (memoryMb: number): StorageProfile => ({
  retentionDoneSeconds: 30,
  maxDoneTasks: 15_000,
  // One listing at a time: each sorts a copy of the collection in the same heap.
  listings: { concurrent: 1, queued: 64 },
  capacity: {
    units: Math.max(0, memoryMb - IN_MEMORY_BASE_MB) * IN_MEMORY_UNITS_PER_MB,
    perStory: IN_MEMORY_UNITS_PER_STORY,
    remedy:
      'Delete Done stories (DELETE /api/stories?status=Done), keep fewer (RETENTION_DONE_SECONDS, RETENTION_MAX_DONE_TASKS), ' +
      'give the embedded database more memory (EMBEDDED_MEMORY_MB), or set MONGODB_URI',
  },
  // Its data lasts only while the server runs, and it scans on every write: kept here, ≈ 150 bytes each.
  purgedKeys: { memory: 100_000 },
  completions: 'shared',
});

/** The operator's settings that shape a profile (undefined: the mode's default). */
export interface ProfileSettings {
  retentionDoneSeconds?: number;
  maxDoneTasks?: number;
  /** The in-memory database's heap (EMBEDDED_MEMORY_MB). */
  memoryMb: number;
}

/** The profile of a database mode, with the operator's settings; `standIn`: the server behind MONGODB_URI is the in-memory stand-in. */
export function storageProfile(mode: DbMode, settings: ProfileSettings, standIn = false): StorageProfile {
  const base = mode === 'embedded-memory' ? inMemoryStandIn(settings.memoryMb) : REAL_MONGODB;
  return {
    ...base,
    // Behind MONGODB_URI (the tests' servers) only its write cost is the stand-in's: retention and capacity stay the operator's.
    completions: standIn ? 'shared' : base.completions,
    retentionDoneSeconds: settings.retentionDoneSeconds ?? base.retentionDoneSeconds,
    maxDoneTasks: settings.maxDoneTasks ?? base.maxDoneTasks,
  };
}
