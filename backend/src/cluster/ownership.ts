import type { Logger } from '../logger.js';
import type { Clock } from '../shared/clock.js';
import { Periodic } from '../shared/periodic.js';
import type { Leases } from './leases.js';

/** What the ownership loop works on (the composition root adapts the processor and the repository). */
export interface OwnedWork {
  /** Stories this instance runs. */
  trackedIds(): string[];
  /** Stop running these (their lease is no longer ours). */
  disown(ids: string[]): void;
  /** Open stories in the database. */
  openStoryIds(): Promise<string[]>;
  /** Loads these Open stories and runs their Open tasks; returns the ids taken on (some may be gone). */
  takeOn(ids: string[]): Promise<string[]>;
}

/**
 * Renews this instance's leases every LEASE_MS/3 (a lost one is let go at once) and claims orphans every LEASE_MS/2. Fencing: unable
 * to renew for most of LEASE_MS, it lets go of everything rather than run what another instance may have claimed.
 */
export class Ownership {
  private readonly renewLoop: Periodic;
  private readonly claimLoop: Periodic;
  private renewedAt: number;
  private claimFailing = false;

  constructor(
    private readonly leases: Leases,
    private readonly work: OwnedWork,
    private readonly leaseMs: number,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.renewedAt = clock.now();
    this.renewLoop = new Periodic(() => this.renew(), Math.max(200, Math.floor(leaseMs / 3)), clock);
    this.claimLoop = new Periodic(() => this.claim(), Math.max(300, Math.floor(leaseMs / 2)), clock);
  }

  start(): void {
    this.renewLoop.start();
    this.claimLoop.start();
  }

  async stop(): Promise<void> {
    await Promise.all([this.renewLoop.stop(), this.claimLoop.stop()]);
  }

  async renew(): Promise<void> {
    const ids = this.work.trackedIds();
    try {
      const lost = await this.leases.renew(ids);
      this.renewedAt = this.clock.now();
      if (lost.length) {
        this.logger.warn({ stories: lost.length }, 'leases lost to another instance: letting those stories go');
        this.work.disown(lost);
      }
    } catch (error) {
      if (this.clock.now() - this.renewedAt < this.leaseMs * 0.8) return;
      this.logger.error(
        { err: error, stories: ids.length },
        'cannot renew leases: letting every story go (another instance may own them now)',
      );
      this.work.disown(ids);
    }
  }

  /** Claims Open stories nobody holds; returns how many were taken on. */
  async claim(): Promise<number> {
    try {
      const mine = new Set(this.work.trackedIds());
      const candidates = (await this.work.openStoryIds()).filter((id) => !mine.has(id));
      if (!candidates.length) return 0;
      const got = await this.leases.acquire(await this.leases.unowned(candidates));
      if (!got.length) return 0;
      const taken = new Set(await this.work.takeOn(got));
      // Gone meanwhile (deleted, or Done): not ours to hold.
      const notTaken = got.filter((id) => !taken.has(id));
      if (notTaken.length) await this.leases.release(notTaken);
      if (taken.size) this.logger.info({ stories: taken.size }, 'took on stories whose owner is gone');
      this.claimFailing = false;
      return taken.size;
    } catch (error) {
      // Once per outage (it is retried every LEASE_MS / 2).
      if (!this.claimFailing) this.logger.warn({ err: error }, 'claiming orphaned stories failed; will retry');
      this.claimFailing = true;
      return 0;
    }
  }
}
