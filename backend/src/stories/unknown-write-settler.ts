import type { Logger } from '../logger.js';
import type { Processor } from '../processing/processor.js';
import type { Clock } from '../shared/clock.js';
import type { CounterCache } from '../stats/counter-cache.js';
import type { ClusterPeers } from './story-commands.js';
import type { TakeOn } from './story-intake.js';
import type { StoryLedger } from './story-ledger.js';
import type { StoryRepository } from './story.repository.js';
import type { UnsettledInserts } from './unsettled-inserts.js';

/** Settles writes of unknown outcome once the database answers: creates that landed are taken on, removals counted by what is gone. */
export class UnknownWriteSettler {
  constructor(
    private readonly deps: {
      unsettled: UnsettledInserts;
      repository: StoryRepository;
      ledger: StoryLedger;
      takeOn: TakeOn;
      processor: Processor;
      counters: CounterCache;
      clock: Clock;
      logger: Logger;
      cluster?: Pick<ClusterPeers, 'disclaim'>;
    },
  ) {}

  async settle(): Promise<void> {
    await this.settleInserts();
    await this.deps.ledger.settleRemovals((removal) => {
      for (const id of removal.goneOpenIds) this.deps.processor.forget(id);
      this.deps.counters.storiesRemoved(removal, removal.reason);
    });
  }

  private async settleInserts(): Promise<void> {
    const { unsettled, repository, clock, logger } = this.deps;
    if (!unsettled.size) return;
    const ids = unsettled.ids();
    const stored = await repository.refs(ids);
    const { adopted, dropped, droppedIds } = unsettled.settle(ids, new Set(stored.keys()), clock.now());
    for (const { doc, release } of adopted) this.deps.takeOn(doc, release);
    if (droppedIds.length) await this.deps.cluster?.disclaim(droppedIds);
    if (adopted.length || dropped)
      logger.warn({ adopted: adopted.length, dropped }, 'settled creates that failed while the database was unreachable');
  }
}
