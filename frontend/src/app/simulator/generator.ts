import { DestroyRef, Injectable, InjectionToken, computed, effect, inject, signal, untracked } from '@angular/core';
import { AccessService } from '../core/access/access';
import { isBackoff, isUnreachable, toApiFailure, type ApiFailure } from '../core/api-failure';
import { Clock } from '../core/clock';
import { ServerLimits } from '../core/limits';
import { StoriesApi } from '../core/stories-api';
import { StatsStream } from '../realtime/stats-stream';
import type { StoryBatchResultDto } from '@storyflow/contracts';
import {
  BATCH_MAX_STORIES,
  BATCH_TICK_MS,
  DEFAULT_GENERATOR_SETTINGS,
  drawStory,
  parseStoredSettings,
  storiesDue,
  validateSettings,
  type GeneratorSettings,
  type RandomSource,
} from './generator-plan';

/** Random source of the generator; tests provide a seeded one. */
export const GENERATOR_RANDOM = new InjectionToken<RandomSource>('GENERATOR_RANDOM', {
  providedIn: 'root',
  factory: () => Math.random,
});

/** Where the settings persist; tests provide a fake. Null: not persisted. */
export const GENERATOR_STORAGE = new InjectionToken<Pick<Storage, 'getItem' | 'setItem'> | null>('GENERATOR_STORAGE', {
  providedIn: 'root',
  factory: () => {
    try {
      return localStorage;
    } catch {
      return null;
    }
  },
});
export const SETTINGS_KEY = 'storyflow.generator.settings';

/** Requests allowed in flight before the generator waits for answers (protects a stalled server). */
export const MAX_IN_FLIGHT = 200;
/** The measured rate counts the stories accepted in this many past ms. */
export const RATE_WINDOW_MS = 5000;
/** Wait after an overload answer without Retry-After. */
export const DEFAULT_BACKOFF_SEC = 5;
/** Longest wait between two probes of an unreachable server. */
export const MAX_PROBE_MS = 30_000;

/**
 * Why the generator is not sending although it runs: the server asked it to slow down (429, or 503
 * overloaded, until `until`), or it cannot be reached (since `since`; probed again at `until`). `at`:
 * when the current wait began (a countdown starts there, not at the clock's last tick).
 */
export type GeneratorHold = { reason: 'backoff' | 'unreachable'; since: number; at: number; until: number };

/**
 * Client-side load generator: while running, posts a story after every random pause (pauses shorter than
 * BATCH_TICK_MS: the stories due meanwhile in one batch). App-wide (root)
 * so it keeps running while the user switches screens. It never hammers a server that refuses: an
 * overload answer makes it wait the Retry-After, and an unreachable server (no answer, database down,
 * live connection lost) makes it wait and probe with one story at growing intervals until it answers.
 */
@Injectable({ providedIn: 'root' })
export class Generator {
  private readonly api = inject(StoriesApi);
  private readonly random = inject(GENERATOR_RANDOM);
  private readonly limits = inject(ServerLimits).limits;
  private readonly storage = inject(GENERATOR_STORAGE);
  private readonly live = inject(StatsStream);
  private readonly clock = inject(Clock);
  private timer: ReturnType<typeof setTimeout> | null = null;
  private probeFailures = 0;
  /** When the next story is due (epoch ms). */
  private dueAt = 0;

  /** The settings in use: always a complete set; the panel applies only valid edits. */
  readonly settings = signal<GeneratorSettings>(
    parseStoredSettings(this.storage?.getItem(SETTINGS_KEY) ?? null) ?? DEFAULT_GENERATOR_SETTINGS,
  );
  readonly running = signal(false);
  readonly sent = signal(0);
  readonly failed = signal(0);
  readonly inFlight = signal(0);
  /** Ticks that posted nothing because MAX_IN_FLIGHT requests were still unanswered. */
  readonly skipped = signal(0);
  /** The latest failure; cleared by the next success, so an old error does not linger after recovery. */
  readonly lastError = signal<{ message: string; at: number } | null>(null);
  readonly hold = signal<GeneratorHold | null>(null);
  /** Checked against the server's limits, so the generator only sends stories the server accepts. */
  readonly errors = computed(() => validateSettings(this.settings(), this.limits()));
  /** Times of the stories accepted within the last RATE_WINDOW_MS (older ones are dropped at the next). */
  private readonly accepted = signal<readonly number[]>([]);
  /** Stories accepted per second over the last RATE_WINDOW_MS, while running (as of the clock's second). */
  readonly measuredRate = computed(() => {
    const from = this.clock.now() - RATE_WINDOW_MS;
    return this.accepted().filter((t) => t > from).length / (RATE_WINDOW_MS / 1000);
  });

  constructor() {
    effect(() => {
      const settings = this.settings();
      untracked(() => this.storage?.setItem(SETTINGS_KEY, JSON.stringify(settings)));
    });
    // A viewer may not create stories (e.g. the operator token was just forgotten).
    const access = inject(AccessService);
    effect(() => {
      if (!access.canMutate()) untracked(() => this.stop());
    });
    // The live connection is the quickest news of the server: lost → hold at once; back → probe now.
    const connection = computed(() => this.live.view().connection);
    effect(() => {
      const state = connection();
      untracked(() => {
        if (!this.running()) return;
        const hold = this.hold();
        if (state === 'live' && hold?.reason === 'unreachable') this.hold.set({ ...hold, until: this.clock.read() });
        else if ((state === 'reconnecting' || state === 'offline') && !hold) this.holdUnreachable(this.clock.read());
      });
    });
    inject(DestroyRef).onDestroy(() => this.stop());
  }

  start(): void {
    if (this.running() || this.errors().length > 0) return;
    this.running.set(true);
    this.lastError.set(null);
    this.hold.set(null);
    this.probeFailures = 0;
    this.accepted.set([]);
    this.dueAt = this.clock.read();
    this.tick();
  }

  stop(): void {
    this.running.set(false);
    this.hold.set(null);
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  toggle(): void {
    if (this.running()) this.stop();
    else this.start();
  }

  private tick(): void {
    if (!this.running()) return;
    // The server's limits may arrive late and be tighter than the settings: never post what it refuses.
    const problems = this.errors();
    if (problems.length > 0) {
      this.stop();
      this.lastError.set({ message: `Stopped: ${problems.map((p) => p.message).join('; ')}`, at: this.clock.read() });
      return;
    }
    const settings = this.settings();
    const now = this.clock.read();
    const hold = this.hold();
    const due = storiesDue(this.random, settings, this.dueAt, now, BATCH_MAX_STORIES);
    this.dueAt = due.nextDueAt;
    if (hold) {
      // One probe when the wait is over, and nothing more until it is answered.
      if (now >= hold.until && this.inFlight() === 0) this.post(settings, 1);
    } else if (due.count === 0) {
      // Not due yet (woken early by a BATCH_TICK_MS floor): nothing to send.
    } else if (this.inFlight() < MAX_IN_FLIGHT) this.post(settings, due.count);
    else this.skipped.update((n) => n + due.count);
    this.timer = setTimeout(() => this.tick(), Math.max(BATCH_TICK_MS, this.dueAt - this.clock.read()));
  }

  /** `count` stories: one POST /api/stories, or one batch. */
  private post(settings: GeneratorSettings, count: number): void {
    this.inFlight.update((n) => n + 1);
    const done = () => this.inFlight.update((n) => n - 1);
    if (count === 1)
      this.api.create(drawStory(this.random, settings)).subscribe({
        next: () => (done(), this.accepts(1)),
        error: (error: unknown) => (done(), this.refused(1, toApiFailure(error))),
      });
    else
      this.api.createBatch(Array.from({ length: count }, () => drawStory(this.random, settings))).subscribe({
        next: (answer) => (done(), this.batchAnswered(answer)),
        error: (error: unknown) => (done(), this.refused(count, toApiFailure(error))),
      });
  }

  /** A batch's answer: its stored stories count as sent, the others as failed, the worst refusal holds it. */
  private batchAnswered({ results }: StoryBatchResultDto): void {
    const stored = results.filter((r) => r.ok).length;
    if (stored) this.accepts(stored);
    const failures = results.flatMap((r) =>
      r.ok
        ? []
        : [
            {
              status: r.status,
              code: r.error.code,
              message: r.error.message,
              details: r.error.details,
              retryAfterSec: r.retryAfterSec ?? null,
            },
          ],
    );
    if (!failures.length) return;
    const worst = failures.find(isBackoff) ?? failures.find(isUnreachable) ?? failures[0];
    this.refused(failures.length, { ...worst, retryAfterSec: Math.max(0, ...failures.map((f) => f.retryAfterSec ?? 0)) || null });
  }

  private accepts(stories: number): void {
    const now = this.clock.read();
    this.sent.update((n) => n + stories);
    this.accepted.update((times) => [...times.filter((t) => t > now - RATE_WINDOW_MS), ...Array.from({ length: stories }, () => now)]);
    this.hold.set(null);
    this.probeFailures = 0;
    this.lastError.set(null);
  }

  private refused(stories: number, failure: ApiFailure): void {
    this.failed.update((n) => n + stories);
    const now = this.clock.read();
    this.lastError.set({ message: failure.message, at: now });
    if (!this.running()) return;
    if (isBackoff(failure)) {
      const hold = this.hold();
      this.hold.set({
        reason: 'backoff',
        since: hold?.since ?? now,
        at: now,
        until: now + (failure.retryAfterSec ?? DEFAULT_BACKOFF_SEC) * 1000,
      });
    } else if (isUnreachable(failure)) this.holdUnreachable(now, failure.retryAfterSec);
  }

  /** Waits 1 s, 2 s, 4 s … (at most MAX_PROBE_MS, at least a Retry-After) before the next probe. */
  private holdUnreachable(now: number, retryAfterSec: number | null = null): void {
    const hold = this.hold();
    // Requests sent before the hold fail one after another: only a failed probe makes the wait longer.
    if (hold?.reason === 'unreachable' && now < hold.until) return;
    const wait = Math.max(Math.min(MAX_PROBE_MS, 1000 * 2 ** this.probeFailures), (retryAfterSec ?? 0) * 1000);
    this.probeFailures++;
    this.hold.set({ reason: 'unreachable', since: hold?.reason === 'unreachable' ? hold.since : now, at: now, until: now + wait });
  }
}
