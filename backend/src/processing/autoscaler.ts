/**
 * Pool sizing, pure: the caller passes the time and the observed load, and keeps the state. The rule, step by step, is
 * ARCHITECTURE.md's "The autoscaler"; the busy floor keeps the target wait while the smoothed rate still lags a ramp.
 */
export interface AutoscalerConfig {
  min: number;
  max: number;
  /** The queueing delay to aim for: backlog work / workers. */
  targetWaitMs: number;
  shrinkCooldownMs: number;
  /** Spare capacity above the offered load, so utilisation stays below 1 and queues stay short. */
  headroom: number;
  /** Time constant of the arrival-rate smoothing. */
  smoothingMs: number;
  /** Fraction of the gap to the target closed per decision while shrinking. */
  shrinkStep: number;
  /** Share of the pool kept for short tasks (see WorkerPool): added on top of what the load needs. */
  reserveFraction: number;
}

export const DEFAULT_AUTOSCALER: Omit<AutoscalerConfig, 'min' | 'max' | 'targetWaitMs' | 'shrinkCooldownMs'> = {
  headroom: 1.25,
  smoothingMs: 3000,
  shrinkStep: 0.2,
  reserveFraction: 0.05,
};

export interface AutoscalerState {
  size: number;
  lastAt: number | null;
  /** Smoothed arriving work, in worker-ms per ms, i.e. busy workers needed on average. */
  offeredLoad: number;
  /** Since when the target has been below the size (null: it is not). */
  lowSince: number | null;
}

export interface LoadObservation {
  now: number;
  backlogWorkMs: number;
  /** Work (sum of estimates) that arrived since the previous decision. */
  arrivedWorkMs: number;
  /** Tasks waiting (caps the backlog's share: one worker each at most). Unknown: no cap. */
  backlogTasks?: number;
  /** Workers running a task now. */
  busyWorkers?: number;
}

export function initialAutoscalerState(config: AutoscalerConfig): AutoscalerState {
  return { size: config.min, lastAt: null, offeredLoad: 0, lowSince: null };
}

export function clampSize(config: Pick<AutoscalerConfig, 'min' | 'max'>, n: number): number {
  return Math.min(config.max, Math.max(config.min, Math.ceil(n)));
}

/** Workers that long tasks may not take: at least one, so a short story finds one; none in a pool of one (long tasks need it). */
export function reserveOf(size: number, reserveFraction: number): number {
  return size < 2 ? 0 : Math.max(1, Math.ceil(size * reserveFraction));
}

/** The smallest pool whose workers outside the reserve number at least `needed`. */
export function sizeWithReserve(needed: number, reserveFraction: number): number {
  const n = Math.ceil(needed);
  if (n <= 1) return Math.max(0, n);
  const outside = (size: number) => size - reserveOf(size, reserveFraction);
  let size = Math.ceil(n / (1 - Math.min(reserveFraction, 0.5)));
  while (outside(size) < n) size++;
  while (outside(size - 1) >= n) size--;
  return size;
}

/** The size the load calls for right now, before cool-down rules. */
export function targetSize(
  config: AutoscalerConfig,
  offeredLoad: number,
  backlogWorkMs: number,
  backlogTasks = Infinity,
  busyWorkers = 0,
): number {
  const backlogShare = Math.min(backlogTasks, backlogWorkMs / config.targetWaitMs);
  const needed = Math.max(offeredLoad * config.headroom, busyWorkers) + backlogShare;
  return clampSize(config, sizeWithReserve(needed, config.reserveFraction));
}

export function decidePoolSize(config: AutoscalerConfig, state: AutoscalerState, load: LoadObservation): AutoscalerState {
  const elapsed = state.lastAt === null ? 0 : Math.max(0, load.now - state.lastAt);
  let offeredLoad = state.offeredLoad;
  if (elapsed > 0) {
    // Exponential smoothing over time, correct for uneven intervals.
    const alpha = 1 - Math.exp(-elapsed / config.smoothingMs);
    offeredLoad += alpha * (load.arrivedWorkMs / elapsed - offeredLoad);
  }
  const target = targetSize(config, offeredLoad, load.backlogWorkMs, load.backlogTasks, load.busyWorkers);
  const next: AutoscalerState = { size: state.size, lastAt: load.now, offeredLoad, lowSince: state.lowSince };

  if (target >= state.size) {
    next.size = target;
    next.lowSince = null;
  } else if (state.lowSince === null) {
    next.lowSince = load.now;
  } else if (load.now - state.lowSince >= config.shrinkCooldownMs) {
    next.size = Math.max(target, state.size - Math.max(1, Math.floor((state.size - target) * config.shrinkStep)));
  }
  return next;
}
