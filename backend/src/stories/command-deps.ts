import type { Logger } from '../logger.js';
import type { Admission } from '../processing/admission.js';
import type { Processor } from '../processing/processor.js';
import type { Clock, Random } from '../shared/clock.js';
import type { OverloadedError } from '../shared/errors.js';
import type { CounterCache } from '../stats/counter-cache.js';
import type { Retention } from './retention.js';
import type { IdempotencyKeys } from './idempotency-keys.js';
import type { StoryLedger } from './story-ledger.js';
import type { StoryRepository } from './story.repository.js';
import type { UnsettledInserts } from './unsettled-inserts.js';

/** What the story commands (single creates, batches, deletes) are built from. */

/** Cluster mode: what the commands need from the other instances (implemented over Redis). */
export interface ClusterPeers {
  /** Admission across the cluster; throws OverloadedError after calling `giveBack` (the local reservation). */
  admit(tasks: number, giveBack: () => void): Promise<void>;
  /** A batch's admission across the cluster, in one pass: for each story null (reserved) or its refusal. */
  admitEach(tasks: number[]): Promise<(OverloadedError | null)[]>;
  /** Takes the lease of a story about to be stored (false: someone holds it). */
  own(id: string): Promise<boolean>;
  /** Takes the leases of a batch's stories about to be stored: the ids now ours. */
  ownEach(ids: string[]): Promise<Set<string>>;
  /** Lets go of leases (a create that failed). */
  disclaim(ids: string[]): Promise<void>;
  /** Tells every instance these stories are gone (the one running them frees its workers). */
  announceDeleted(ids: string[]): Promise<void>;
}

export interface StoryCommandsDeps {
  repository: StoryRepository;
  keys: IdempotencyKeys;
  ledger: StoryLedger;
  processor: Processor;
  unsettled: UnsettledInserts;
  retention: Retention;
  admission: Admission;
  counters: CounterCache;
  clock: Clock;
  logger: Logger;
  random?: Random;
  cluster?: ClusterPeers;
}
