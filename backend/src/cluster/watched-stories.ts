import type { Redis } from 'ioredis';
import { isStoryId } from '@storyflow/contracts';
import type { Logger } from '../logger.js';
import { KEYS } from './keys.js';

const TTL_MS = 30_000;
/** At most this many watched stories are honoured cluster-wide. */
const MAX_WATCHED = 10_000;

/**
 * Stories watched anywhere in the cluster (a sorted set, score: until when, read back each second): the instance running a story
 * emits its progress only if someone watches, which its own rooms cannot tell when the watcher is elsewhere.
 */
export class WatchedStories {
  private watched = new Set<string>();

  constructor(
    private readonly redis: Redis,
    private readonly logger: Logger,
  ) {}

  isWatched(id: string): boolean {
    return this.watched.has(id);
  }

  /** Notes stories watched here (on `stories:watch`, and again while they stay watched). */
  async note(ids: string[]): Promise<void> {
    if (!ids.length) return;
    const until = Date.now() + TTL_MS;
    try {
      await this.redis.zadd(KEYS.watched, ...ids.flatMap((id) => [until, id]));
      for (const id of ids) this.watched.add(id);
    } catch (error) {
      this.logger.debug({ err: error }, 'could not note watched stories');
    }
  }

  /** Reads the cluster's watched stories (and drops the expired ones). */
  async refresh(): Promise<void> {
    const now = Date.now();
    await this.redis.zremrangebyscore(KEYS.watched, '-inf', now);
    // Bounded like any input: ids only, and no more than a busy cluster's dashboards could watch.
    const ids = await this.redis.zrangebyscore(KEYS.watched, now, '+inf', 'LIMIT', 0, MAX_WATCHED);
    this.watched = new Set(ids.filter(isStoryId));
  }
}
