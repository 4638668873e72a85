import { randomInt, type Random } from './random.js';
import { REFERENCE_WORKLOAD } from './workload.js';

/** A stretch of steady (or linearly changing) arrivals of stories of one shape. */
export interface LoadPhase {
  seconds: number;
  /** Stories per second: constant, or changing linearly from `from` to `to` over the phase. */
  storiesPerSec: number | { from: number; to: number };
  tasks: { min: number; max: number };
  estimateMs: { min: number; max: number };
}

export interface Arrival {
  /** ms after the shape's start. */
  at: number;
  estimates: number[];
}

const reference = { tasks: REFERENCE_WORKLOAD.tasks, estimateMs: REFERENCE_WORKLOAD.estimateMs };

/**
 * The load shapes the adaptive pool must meet its target wait under (unit-tested on a fake clock, and
 * measured on the real server by the bench's `pool` scenario): long and short single tasks, a ramp, a
 * step, long tasks, and the reference load.
 */
export const LOAD_SHAPES: Record<string, LoadPhase[]> = {
  'one task, 1,234 ms at 25/s then 20 ms at 200/s': [
    { seconds: 10, storiesPerSec: 25, tasks: { min: 1, max: 1 }, estimateMs: { min: 1234, max: 1234 } },
    { seconds: 10, storiesPerSec: 200, tasks: { min: 1, max: 1 }, estimateMs: { min: 20, max: 20 } },
  ],
  'ramp 0 → 60/s, 5 tasks of 100–300 ms': [
    { seconds: 15, storiesPerSec: { from: 0, to: 60 }, tasks: { min: 5, max: 5 }, estimateMs: { min: 100, max: 300 } },
  ],
  'step ×4, reference stories': [
    { seconds: 5, storiesPerSec: 13, ...reference },
    { seconds: 10, storiesPerSec: 52, ...reference },
  ],
  'long tasks, 3 of 2–5 s at 4/s': [{ seconds: 15, storiesPerSec: 4, tasks: { min: 3, max: 3 }, estimateMs: { min: 2000, max: 5000 } }],
  'reference load': [{ seconds: 15, storiesPerSec: 13, ...reference }],
};

const rateAt = (phase: LoadPhase, t: number) =>
  typeof phase.storiesPerSec === 'number'
    ? phase.storiesPerSec
    : phase.storiesPerSec.from + ((phase.storiesPerSec.to - phase.storiesPerSec.from) * t) / (phase.seconds * 1000);

/** The arrivals of a shape: a Poisson process at each moment's rate (seeded), each story's estimates drawn. */
export function arrivalsOf(phases: readonly LoadPhase[], random: Random): Arrival[] {
  const out: Arrival[] = [];
  let start = 0;
  for (const phase of phases) {
    const length = phase.seconds * 1000;
    // Thinning: candidates at the phase's highest rate, each kept with probability rate(t) / highest.
    const peak = Math.max(rateAt(phase, 0), rateAt(phase, length));
    for (let t = 0; peak > 0;) {
      t += (-Math.log(1 - random()) * 1000) / peak;
      if (t >= length) break;
      if (random() * peak > rateAt(phase, t)) continue;
      const n = randomInt(random, phase.tasks.min, phase.tasks.max);
      out.push({
        at: start + t,
        estimates: Array.from({ length: n }, () => randomInt(random, phase.estimateMs.min, phase.estimateMs.max)),
      });
    }
    start += length;
  }
  return out;
}

/** How long a shape runs, ms. */
export const shapeLengthMs = (phases: readonly LoadPhase[]) => phases.reduce((ms, p) => ms + p.seconds * 1000, 0);
