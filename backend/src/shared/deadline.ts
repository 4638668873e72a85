import { type Clock, systemClock } from './clock.js';

/**
 * `attempt`, or `onTimeout()`'s error once `ms` pass without an answer (a hung peer accepts bytes and
 * never answers). The attempt goes on after the deadline; the race has subscribed to it, so its own
 * later error is not an unhandled rejection.
 */
export async function withDeadline<T>(attempt: Promise<T>, ms: number, onTimeout: () => Error, clock: Clock = systemClock): Promise<T> {
  let timer: unknown;
  const deadline = new Promise<never>((_, reject) => {
    timer = clock.setTimeout(() => reject(onTimeout()), ms);
  });
  try {
    return await Promise.race([attempt, deadline]);
  } finally {
    clock.clearTimeout(timer);
  }
}
