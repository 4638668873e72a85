import type { Logger } from '../logger.js';
import type { Clock } from '../shared/clock.js';
import { Periodic } from '../shared/periodic.js';
import type { CounterCache } from '../stats/counter-cache.js';
import { RetentionCandidates } from './retention-candidates.js';
import type { StoryLedger } from './story-ledger.js';
import type { StoryRepository } from './story.repository.js';

/** The most Done stories listed as candidates (about 150 bytes each); beyond, the purge queries for them. */
export const MAX_LISTED_DONE = 20_000;

export interface RetentionOptions {
  repository: Pick<StoryRepository, 'doneRefs'>;
  ledger: Pick<StoryLedger, 'purge' | 'purgeOldest'>;
  counters: CounterCache;
  /** Done stories completed longer ago are purged; 0: no age limit. */
  retentionMs: number;
  /** At most this many Done tasks stay stored (the oldest stories go first); 0: no size limit. */
  maxDoneTasks: number;
  sweepMs: number;
  /** Other instances complete stories too: look in the database when no candidate is listed. */
  shared: boolean;
  clock: Clock;
  logger: Logger;
  batch?: number;
  /** At most this many candidates listed (default MAX_LISTED_DONE). */
  capacity?: number;
}

/**
 * Purges Done stories by age and by stored Done tasks, a batch at a time, oldest completion first. The one rule "stored Done tasks
 * over the bound" is `excessDoneTasks` (admission counts them as held). Without retention nothing is listed.
 */
export class Retention {
  private readonly candidates: RetentionCandidates;
  private readonly loop: Periodic;
  private stopped = false;

  constructor(private readonly options: RetentionOptions) {
    this.candidates = new RetentionCandidates(this.enabled ? (options.capacity ?? MAX_LISTED_DONE) : 0);
    this.loop = new Periodic(() => this.sweep(), options.sweepMs, options.clock);
  }

  get enabled(): boolean {
    return this.options.retentionMs > 0 || this.options.maxDoneTasks > 0;
  }

  /** Candidates listed now (for tests). */
  get listed(): number {
    return this.candidates.size;
  }

  /** Seconds until a full database may have room again, beyond the backlog's drain (by count: at once; by age: its period). */
  roomReturnsAfterSec(): number {
    const { maxDoneTasks, retentionMs } = this.options;
    if (maxDoneTasks > 0) return 1;
    if (retentionMs > 0) return Math.min(60, Math.ceil(retentionMs / 1000));
    return 60;
  }

  /** Stored Done tasks over the size bound, waiting to be purged (0 without a bound). */
  excessDoneTasks(): number {
    const { maxDoneTasks, counters } = this.options;
    return maxDoneTasks > 0 ? Math.max(0, counters.current.storedDoneTasks - maxDoneTasks) : 0;
  }

  /** Lists the oldest stored Done stories (as many as the list holds), then sweeps periodically. */
  async start(): Promise<void> {
    if (!this.enabled) return;
    const refs = await this.options.repository.doneRefs(this.candidates.capacity + 1);
    for (const ref of refs) this.candidates.add(ref.id, ref.taskCount, ref.completedAt);
    this.loop.start();
  }

  /** A story this instance committed Done: a candidate; past the size bound, a sweep starts now. */
  noteStoredDone(id: string, taskCount: number, at: number): void {
    if (!this.enabled) return;
    this.candidates.add(id, taskCount, at);
    if (this.excessDoneTasks() > 0) this.kick();
  }

  /** The story was removed another way (deleted). */
  forget(id: string): void {
    this.candidates.remove(id);
  }

  /** Sweeps now (e.g. work was refused: a purge may make room). */
  kick(): void {
    if (this.enabled) this.loop.runNow();
  }

  /** Purges until within both bounds; returns how many Done stories went. A failure waits for the next sweep. */
  async sweep(): Promise<number> {
    const { retentionMs, clock, logger } = this.options;
    const batch = this.options.batch ?? 500;
    let total = 0;
    try {
      while (retentionMs > 0 && !this.stopped) {
        const n = await this.purge(batch, new Date(clock.now() - retentionMs));
        total += n;
        if (n < batch) break;
      }
      while (this.excessDoneTasks() > 0 && !this.stopped) {
        const n = await this.purge(Math.min(batch, 100));
        total += n;
        if (n === 0) break;
      }
      if (total) logger.debug({ purged: total }, 'retention purged Done stories');
    } catch (error) {
      logger.error({ err: error }, 'retention sweep failed; will retry');
    }
    return total;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop.stop();
  }

  /** Up to `batch` Done stories completed before the cutoff (if given, else the oldest); returns how many. */
  private async purge(batch: number, cutoff?: Date): Promise<number> {
    // Once the list missed some, it no longer says which are oldest: the database does (by completion).
    if (this.candidates.incomplete) return this.purgeOldest(batch, cutoff);
    const refs = this.candidates.take(batch, cutoff?.getTime());
    if (!refs.length) return this.options.shared ? this.purgeOldest(batch, cutoff) : 0;
    let removed;
    try {
      removed = await this.options.ledger.purge(refs);
    } catch (error) {
      this.candidates.restore(refs);
      throw error;
    }
    this.options.counters.storiesRemoved(removed, 'purge');
    return removed.done;
  }

  private async purgeOldest(batch: number, cutoff?: Date): Promise<number> {
    const { refs, removed } = await this.options.ledger.purgeOldest(batch, cutoff);
    for (const ref of refs) this.candidates.remove(ref.id);
    this.options.counters.storiesRemoved(removed, 'purge');
    return removed.done;
  }
}
