import type { Redis } from 'ioredis';
import type { ProcessingDto } from '@storyflow/contracts';
import type { Logger } from '../logger.js';
import { KEYS } from './keys.js';
import { ProcessingDtoSchema, readMessage } from './messages.js';
import type { RedisGate } from './redis-gate.js';

/**
 * Pause and resume for the cluster, kept in Redis and announced. Redis away: a change is refused (503), pausing alone would split
 * the cluster. Back in reach, an instance reads the state back (`resync`), or puts its own back into an empty Redis.
 */
export class ProcessingControl {
  /** The state as last applied here. */
  private known: ProcessingDto | null = null;
  private apply: (state: ProcessingDto) => void = () => undefined;

  constructor(
    private readonly redis: Redis,
    private readonly subscriber: Redis,
    private readonly gate: RedisGate,
    private readonly logger: Logger,
  ) {}

  /** Applies the cluster's current state now, and every change from then on. */
  async follow(apply: (state: ProcessingDto) => void): Promise<void> {
    this.apply = apply;
    await this.subscriber.subscribe(KEYS.control);
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel !== KEYS.control) return;
      const state = readMessage(ProcessingDtoSchema, message, 'processing state', this.logger);
      if (state) this.applyKnown(state);
    });
    await this.resync();
  }

  /** Applies the state Redis holds (announcements missed while out of reach), or puts back ours if it holds none. */
  async resync(): Promise<void> {
    const current = await this.redis.get(KEYS.paused);
    const state = current === null ? null : readMessage(ProcessingDtoSchema, current, 'processing state', this.logger);
    if (state) this.applyKnown(state);
    else if (this.known) await this.redis.set(KEYS.paused, JSON.stringify(this.known), 'NX');
  }

  private applyKnown(state: ProcessingDto): void {
    this.known = state;
    this.apply(state);
  }

  async set(state: ProcessingDto): Promise<void> {
    const json = JSON.stringify(state);
    await this.gate.run(() => this.redis.multi().set(KEYS.paused, json).publish(KEYS.control, json).exec());
  }
}
