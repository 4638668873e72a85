import { latencyOverRange, type ObjectiveName, type ObjectiveState, type StatsSample } from '@storyflow/contracts';

/** What the operator set: SLO_STORY_P99_MS and SLO_BACKLOG_AGE_SECONDS (0: off), over SLO_WINDOW_SECONDS. */
export interface ObjectiveSettings {
  storyP99Ms: number;
  backlogAgeSec: number;
  windowSec: number;
}

/** An objective that started or stopped being breached, at `at` (epoch ms). */
export interface ObjectiveTransition {
  state: ObjectiveState;
  status: 'firing' | 'resolved';
  /** When the breach started, and (resolved) when it ended. */
  startsAt: number;
  endsAt: number | null;
}

/** The rolling value of an objective over the window's samples (null: no data). */
function valueOf(name: ObjectiveName, window: readonly StatsSample[]): number | null {
  if (name === 'story_p99') return latencyOverRange(window.map((s) => s.latency))?.p99 ?? null;
  return window.at(-1)?.oldestOpenAgeSec ?? null;
}

/**
 * The objectives on every sample, pure: p99 story latency over the window (a bucket's upper bound) and the oldest Open story's
 * age. A breach fires past the target and resolves back within it, or with no data.
 */
export class ObjectiveEvaluator {
  private readonly window: StatsSample[] = [];
  private readonly states: ObjectiveState[];

  constructor(private readonly settings: ObjectiveSettings) {
    const set: [ObjectiveName, number][] = [
      ['story_p99', settings.storyP99Ms],
      ['backlog_age', settings.backlogAgeSec],
    ];
    this.states = set
      .filter(([, target]) => target > 0)
      .map(([name, target]) => ({ name, target, value: null, status: 'ok', since: null, windowSec: settings.windowSec }));
  }

  get enabled(): boolean {
    return this.states.length > 0;
  }

  /** The objectives now (a copy). */
  current(): ObjectiveState[] {
    return this.states.map((state) => ({ ...state }));
  }

  /** Takes the second's sample; returns the objectives that fired or resolved with it. */
  observe(sample: StatsSample): ObjectiveTransition[] {
    this.window.push(sample);
    while (this.window.length && this.window[0]!.t <= sample.t - this.settings.windowSec * 1000) this.window.shift();
    const end = sample.t + 1000;
    const transitions: ObjectiveTransition[] = [];
    for (const state of this.states) {
      state.value = valueOf(state.name, this.window);
      const breached = state.value !== null && state.value > state.target;
      if (breached && state.status === 'ok') {
        Object.assign(state, { status: 'firing', since: end });
        transitions.push({ state: { ...state }, status: 'firing', startsAt: end, endsAt: null });
      } else if (!breached && state.status === 'firing') {
        const startsAt = state.since!;
        Object.assign(state, { status: 'ok', since: null });
        transitions.push({ state: { ...state }, status: 'resolved', startsAt, endsAt: end });
      }
    }
    return transitions;
  }
}
