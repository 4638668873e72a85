import { randomInt, type Random } from './random.js';

/** The original client's load: a story every 50–100 ms, each of 20–80 tasks of 10–20 ms. */
export const REFERENCE_WORKLOAD = {
  intervalMs: { min: 50, max: 100 },
  tasks: { min: 20, max: 80 },
  estimateMs: { min: 10, max: 20 },
} as const;

/** Task estimates of one reference story. */
export function referenceEstimates(random: Random = Math.random): number[] {
  const { tasks, estimateMs } = REFERENCE_WORKLOAD;
  return Array.from({ length: randomInt(random, tasks.min, tasks.max) }, () => randomInt(random, estimateMs.min, estimateMs.max));
}

/** Body of `POST /api/stories` for one reference story. */
export function referenceStory(random: Random = Math.random): { tasks: { estimate: number }[] } {
  return { tasks: referenceEstimates(random).map((estimate) => ({ estimate })) };
}

/** Pause before the next reference story. */
export const referenceIntervalMs = (random: Random = Math.random): number =>
  randomInt(random, REFERENCE_WORKLOAD.intervalMs.min, REFERENCE_WORKLOAD.intervalMs.max);
