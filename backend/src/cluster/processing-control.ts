import type { Redis } from 'ioredis';
import type { ProcessingDto } from '@storyflow/contracts';
import type { Logger } from '../logger.js';
import { KEYS } from './keys.js';

/** Pause and resume for the whole cluster: the state is kept in Redis and announced to every instance. */
export class ProcessingControl {
  constructor(
    private readonly redis: Redis,
    private readonly subscriber: Redis,
    private readonly logger: Logger,
  ) {}

  /** Applies the cluster's current state now, and every change from then on. */
  async follow(apply: (state: ProcessingDto) => void): Promise<void> {
    await this.subscriber.subscribe(KEYS.control);
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel !== KEYS.control) return;
      try {
        apply(JSON.parse(message) as ProcessingDto);
      } catch (error) {
        this.logger.warn({ err: error }, 'malformed processing state ignored');
      }
    });
    const current = await this.redis.get(KEYS.paused);
    if (current) apply(JSON.parse(current) as ProcessingDto);
  }

  async set(state: ProcessingDto): Promise<void> {
    const json = JSON.stringify(state);
    await this.redis.multi().set(KEYS.paused, json).publish(KEYS.control, json).exec();
  }
}
