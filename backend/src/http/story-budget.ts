import type { Request } from 'express';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { ApiError } from './errors.js';
import type { RateLimitConfig } from './rate-limit.js';

/** Charges a request's stories against its address's budget; throws a 429 when they do not fit. */
export type StoryBudget = (req: Request, stories: number) => Promise<void>;

/** Stories created per client address (a batch of 100 costs 100), on top of the request budget; in this process's memory. */
export function storyBudget(config: RateLimitConfig, refused: (code: string) => void = () => {}): StoryBudget {
  if (config.perSec <= 0 || config.burst <= 0) return async () => {};
  const duration = Math.max(1, Math.round(config.burst / config.perSec));
  const limiter = new RateLimiterMemory({ points: config.burst, duration });
  return async (req, stories) => {
    const key = req.ip ?? 'unknown';
    if (stories > config.burst) {
      refused('rate_limited');
      throw new ApiError(
        429,
        'rate_limited',
        `${stories} stories in one request exceed the budget of ${config.burst} per ${duration} s; send fewer at a time`,
      );
    }
    try {
      await limiter.consume(key, stories);
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      // A refused request spends nothing: what it would have taken is given back.
      await limiter.reward(key, stories);
      refused('rate_limited');
      const retryAfter = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
      throw new ApiError(
        429,
        'rate_limited',
        `Too many stories from this address: at most ${config.burst} per ${duration} s; retry after ${retryAfter} s`,
        [],
        { 'Retry-After': String(retryAfter) },
      );
    }
  };
}
