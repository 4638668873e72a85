import { Injectable, inject, signal } from '@angular/core';
// The subpath, not the barrel: the barrel pulls zod into the initial bundle (this service is in the shell).
import { DEFAULT_STORY_LIMITS, type StoryLimits } from '@storyflow/contracts/limits';
import { StoriesApi } from './stories-api';

/**
 * The request limits the server validates with (GET /api/limits), so the form and the generator
 * check the same ones. Starts as the defaults; `load()` replaces them with the server's answer.
 */
@Injectable({ providedIn: 'root' })
export class ServerLimits {
  private readonly api = inject(StoriesApi);
  private readonly state = signal<StoryLimits>(DEFAULT_STORY_LIMITS);
  private requested = false;
  private retry: ReturnType<typeof setTimeout> | null = null;
  readonly limits = this.state.asReadonly();

  /**
   * Fetches the limits once. On failure (e.g. the backend restarting) it tries again, with growing
   * pauses up to a minute; the defaults apply meanwhile. A malformed answer keeps the defaults.
   */
  load(attempt = 0): void {
    if (this.requested && attempt === 0) return;
    this.requested = true;
    this.api.limits().subscribe({
      next: (limits) => {
        if (isStoryLimits(limits)) this.state.set(limits);
      },
      error: () => {
        this.retry = setTimeout(() => this.load(attempt + 1), Math.min(60_000, 1000 * 2 ** attempt));
      },
    });
  }

  ngOnDestroy(): void {
    if (this.retry !== null) clearTimeout(this.retry);
  }
}

/** A coherent set of limits: every field a non-negative integer, each minimum at most its maximum. */
export function isStoryLimits(value: unknown): value is StoryLimits {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<keyof StoryLimits, unknown>;
  const fields = [v.minTasks, v.maxTasks, v.minEstimateMs, v.maxEstimateMs, v.maxTitleLength];
  if (!fields.every((f) => typeof f === 'number' && Number.isSafeInteger(f) && f >= 0)) return false;
  const l = value as StoryLimits;
  return l.minTasks <= l.maxTasks && l.minEstimateMs <= l.maxEstimateMs;
}
