import type { ProcessingDto } from '@storyflow/contracts';
import type { Processor } from '../processing/processor.js';
import type { Clock } from '../shared/clock.js';

/** Pause and resume; in a cluster every instance, this one too, applies a change when told through `broadcast`. */
export class PauseControl {
  /** Since when processing runs (it was last resumed, or this instance started). */
  private runningSince: number;

  constructor(
    private readonly processor: Processor,
    private readonly clock: Clock,
    private readonly broadcast?: (state: ProcessingDto) => Promise<void>,
  ) {
    this.runningSince = clock.now();
  }

  state(): ProcessingDto {
    const pausedAt = this.processor.pausedAt;
    return { paused: pausedAt !== null, since: pausedAt ?? this.runningSince };
  }

  async setPaused(paused: boolean): Promise<ProcessingDto> {
    const state = { paused, since: this.clock.now() };
    await this.broadcast?.(state);
    this.apply(state);
    return this.state();
  }

  /** Applies a pause or resume (from here, or announced by another instance). */
  apply(state: ProcessingDto): void {
    this.processor.setPaused(state.paused);
    if (!state.paused) this.runningSince = state.since;
  }
}
