import type { RequestHandler } from 'express';
import { rateLimit, type Store } from 'express-rate-limit';
import type { Logger } from '../logger.js';
import { errorBody } from './errors.js';

export interface RateLimitConfig {
  /** Sustained requests per second per client address; 0 turns limiting off. */
  perSec: number;
  /** Requests allowed in one go above that rate; 0 turns limiting off. */
  burst: number;
}

/**
 * Per client address (req.ip: behind nginx, the one it reports): a window of burst ÷ rate seconds holding `burst` requests.
 * 429 with Retry-After and the RateLimit headers.
 */
export function rateLimiter(
  config: RateLimitConfig,
  what: string,
  logger: Logger,
  refused: (code: string) => void = () => {},
  /** Shared by the instances of a cluster (Redis); default: this process's memory. */
  store?: Store,
): RequestHandler {
  if (config.perSec <= 0 || config.burst <= 0) return (_req, _res, next) => next();
  const windowMs = Math.max(1000, Math.round((config.burst / config.perSec) * 1000));
  return rateLimit({
    windowMs,
    limit: config.burst,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    identifier: what,
    ...(store ? { store } : {}),
    // A store that fails lets the request through (a rate limit may fail open): never a 500 for it.
    passOnStoreError: true,
    logger: {
      warn: (...args: unknown[]) => logger.warn({ args }, 'rate limiter'),
      error: (...args: unknown[]) => logger.error({ args }, 'rate limiter'),
    },
    handler: (_req, res) => {
      refused('rate_limited');
      res
        .status(429)
        .json(
          errorBody(
            'rate_limited',
            `Too many ${what} from this address: at most ${config.burst} per ${windowMs / 1000} s; retry after the Retry-After seconds`,
          ),
        );
    },
  });
}
