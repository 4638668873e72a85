import type { Redis } from 'ioredis';
import type { ProcessingDto } from '@storyflow/contracts';
import type { Logger } from '../logger.js';
import { KEYS } from './keys.js';
import { ProcessingDtoSchema, readMessage } from './messages.js';
import type { RedisGate } from './redis-gate.js';

/**
 * Pause and resume for the whole cluster: the state is kept in Redis and announced to every instance. A
 * change is refused (503) while Redis is away: an instance that paused alone would leave the cluster split.
 * A Redis that comes back empty has forgotten the state: the instances put back the one they hold.
 */
export class ProcessingControl {
  /** The state as last applied here. */
  private known: ProcessingDto | null = null;

  constructor(
    private readonly redis: Redis,
    private readonly subscriber: Redis,
    private readonly gate: RedisGate,
    private readonly logger: Logger,
  ) {}

  /** Applies the cluster's current state now, and every change from then on. */
  async follow(apply: (state: ProcessingDto) => void): Promise<void> {
    const applyKnown = (state: ProcessingDto) => {
      this.known = state;
      apply(state);
    };
    await this.subscriber.subscribe(KEYS.control);
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel !== KEYS.control) return;
      const state = readMessage(ProcessingDtoSchema, message, 'processing state', this.logger);
      if (state) applyKnown(state);
    });
    const current = await this.redis.get(KEYS.paused);
    const state = current === null ? null : readMessage(ProcessingDtoSchema, current, 'processing state', this.logger);
    if (state) applyKnown(state);
  }

  async set(state: ProcessingDto): Promise<void> {
    const json = JSON.stringify(state);
    await this.gate.run(() => this.redis.multi().set(KEYS.paused, json).publish(KEYS.control, json).exec());
  }

  /** Puts back the state this instance holds if Redis lost it (restarted empty); a state already there wins. */
  async restore(): Promise<void> {
    if (this.known) await this.redis.set(KEYS.paused, JSON.stringify(this.known), 'NX');
  }
}
