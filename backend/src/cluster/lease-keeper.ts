import type { Logger } from '../logger.js';
import type { Clock } from '../shared/clock.js';
import { Periodic } from '../shared/periodic.js';
import type { ClusterNode } from './cluster-node.js';
import { Ownership, type OwnedWork } from './ownership.js';

/** What the keeper works on besides the owned stories (the composition root adapts the rest). */
export interface KeptWork extends OwnedWork {
  /** Open tasks this instance holds: its share of the cluster's admission bound. */
  openTasks(): number;
  /** Finishes removals another instance left half-done (journaled long enough ago that it cannot be finishing them). */
  repairAbandonedRemovals(): Promise<void>;
}

/**
 * This instance's part of the lease lifecycle (ARCHITECTURE.md, "Lease lifecycle") and the upkeep around it: leases given back in
 * batches, admission share, socket counts and watched stories refreshed each second, abandoned removals finished.
 */
export class LeaseKeeper {
  private readonly ownership: Ownership;
  private readonly upkeep: Periodic;
  private readonly toRelease = new Set<string>();
  private refreshedAt = 0;
  private repairedAt: number;

  constructor(
    private readonly node: ClusterNode,
    private readonly work: KeptWork,
    private readonly leaseMs: number,
    private readonly clock: Clock,
    logger: Logger,
  ) {
    this.ownership = new Ownership(node.leases, work, leaseMs, clock, logger);
    this.upkeep = new Periodic(() => this.keepUp(), 200, clock);
    this.repairedAt = clock.now();
  }

  /** Claims the Open stories nobody holds (at start), then keeps leases and upkeep going; returns how many were taken on. */
  async start(): Promise<number> {
    const claimed = await this.ownership.claim();
    this.ownership.start();
    this.upkeep.start();
    return claimed;
  }

  /** The story is Done or gone here: its lease goes back with the next batch. */
  finished(id: string): void {
    this.toRelease.add(id);
  }

  async stop(): Promise<void> {
    await this.ownership.stop();
    await this.upkeep.stop();
  }

  private async keepUp(): Promise<void> {
    const release = [...this.toRelease];
    this.toRelease.clear();
    if (release.length) await this.node.leases.release(release).catch(() => release.forEach((id) => this.toRelease.add(id)));
    const now = this.clock.now();
    if (now - this.refreshedAt < 1000) return;
    this.refreshedAt = now;
    await this.node.admission.sync(this.work.openTasks());
    await this.node.socketBudget.sync();
    await this.node.watched.refresh();
    if (now - this.repairedAt < this.leaseMs) return;
    this.repairedAt = now;
    await this.work.repairAbandonedRemovals();
  }
}
