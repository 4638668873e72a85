import { DestroyRef, Injectable, InjectionToken, computed, inject, signal } from '@angular/core';
import { ServerLimits } from '../core/limits';
import { StoriesApi, toApiFailure } from '../core/stories-api';
import {
  DEFAULT_GENERATOR_SETTINGS,
  drawStory,
  nextDelay,
  validateSettings,
  type GeneratorSettings,
  type RandomSource,
} from './generator-plan';

/** Random source of the generator; tests provide a seeded one. */
export const GENERATOR_RANDOM = new InjectionToken<RandomSource>('GENERATOR_RANDOM', {
  providedIn: 'root',
  factory: () => Math.random,
});

/** Requests allowed in flight before the generator waits for answers (protects a stalled server). */
export const MAX_IN_FLIGHT = 200;

/**
 * Client-side load generator: while running, posts a story after every random pause.
 * App-wide (root) so it keeps running while the user switches screens.
 */
@Injectable({ providedIn: 'root' })
export class Generator {
  private readonly api = inject(StoriesApi);
  private readonly random = inject(GENERATOR_RANDOM);
  private readonly limits = inject(ServerLimits).limits;
  private timer: ReturnType<typeof setTimeout> | null = null;

  readonly settings = signal<GeneratorSettings>(DEFAULT_GENERATOR_SETTINGS);
  readonly running = signal(false);
  readonly sent = signal(0);
  readonly failed = signal(0);
  readonly inFlight = signal(0);
  /** Ticks that posted nothing because MAX_IN_FLIGHT requests were still unanswered. */
  readonly skipped = signal(0);
  readonly lastError = signal<string | null>(null);
  /** Checked against the server's limits, so the generator only sends stories the server accepts. */
  readonly errors = computed(() => validateSettings(this.settings(), this.limits()));

  constructor() {
    inject(DestroyRef).onDestroy(() => this.stop());
  }

  start(): void {
    if (this.running() || this.errors().length > 0) return;
    this.running.set(true);
    this.lastError.set(null);
    this.tick();
  }

  stop(): void {
    this.running.set(false);
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  toggle(): void {
    if (this.running()) this.stop();
    else this.start();
  }

  private tick(): void {
    if (!this.running()) return;
    // Settings stay editable while running (and the server's limits may arrive late): never post
    // with invalid ones, e.g. a cleared pause that would make the timer spin.
    const problems = this.errors();
    if (problems.length > 0) {
      this.stop();
      this.lastError.set(`Stopped: ${problems.join('; ')}`);
      return;
    }
    const settings = this.settings();
    if (this.inFlight() < MAX_IN_FLIGHT) this.post(settings);
    else this.skipped.update((n) => n + 1);
    this.timer = setTimeout(() => this.tick(), nextDelay(this.random, settings));
  }

  private post(settings: GeneratorSettings): void {
    this.inFlight.update((n) => n + 1);
    this.api.create(drawStory(this.random, settings)).subscribe({
      next: () => {
        this.inFlight.update((n) => n - 1);
        this.sent.update((n) => n + 1);
      },
      error: (err: unknown) => {
        this.inFlight.update((n) => n - 1);
        this.failed.update((n) => n + 1);
        this.lastError.set(toApiFailure(err).message);
      },
    });
  }
}
