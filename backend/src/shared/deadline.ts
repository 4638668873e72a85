import { type Clock, systemClock } from './clock.js';

/** `attempt`, or `onTimeout()`'s error after `ms`; the attempt goes on, its later error handled (no unhandled rejection). */
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
