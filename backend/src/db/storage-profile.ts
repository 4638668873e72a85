import type { DbMode } from '@storyflow/contracts';

/**
 * What the domain must respect of the database it runs on, decided here so that stories/ and processing/
 * hold no knowledge of a particular server. Real MongoDB (external or an embedded mongod) needs nothing
 * special. The offline in-memory stand-in (jongodb) keeps every document in its own heap and scans the
 * whole collection on every update and every sort, so there the stored Done stories are bounded
 * (retention by age and by task count; Done tasks over the bound count against admission until purged) and listings, which sort
 * by copying the collection, run a few at a time.
 */
export interface StorageProfile {
  /** Done stories older than this are purged by default (0: kept). RETENTION_DONE_SECONDS overrides. */
  retentionDoneSeconds: number;
  /**
   * At most this many Done tasks stay stored by default (0: no bound); those over it hold back new work
   * until purged. RETENTION_MAX_DONE_TASKS overrides.
   */
  maxDoneTasks: number;
  /** Listings at once, and queued beyond that, before one is refused with 503. */
  listings: { concurrent: number; queued: number };
}

const REAL_MONGODB: StorageProfile = {
  retentionDoneSeconds: 0,
  maxDoneTasks: 0,
  listings: { concurrent: 16, queued: 256 },
};

const IN_MEMORY_STAND_IN: StorageProfile = {
  retentionDoneSeconds: 30,
  maxDoneTasks: 15_000,
  listings: { concurrent: 4, queued: 64 },
};

/** The profile of a database mode, with the operator's retention settings (undefined: the mode's default). */
export function storageProfile(mode: DbMode, overrides: { retentionDoneSeconds?: number; maxDoneTasks?: number }): StorageProfile {
  const base = mode === 'embedded-memory' ? IN_MEMORY_STAND_IN : REAL_MONGODB;
  return {
    ...base,
    retentionDoneSeconds: overrides.retentionDoneSeconds ?? base.retentionDoneSeconds,
    maxDoneTasks: overrides.maxDoneTasks ?? base.maxDoneTasks,
  };
}
