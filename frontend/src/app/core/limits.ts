import { Injectable, inject } from '@angular/core';
// The subpath, not the barrel: the barrel pulls zod into the initial bundle (this service is in the shell).
import { DEFAULT_STORY_LIMITS, type StoryLimits } from '@storyflow/contracts/limits';
import { TokenStore } from './access/token-store';
import { ServerApi } from './server-api';
import { ServerValue } from './server-value';

/**
 * The request limits the server validates with (GET /api/limits), so the form and the generator
 * check the same ones. Starts as the defaults; `load()` replaces them with the server's answer,
 * fetched again with a new token (the first answer may have been a 401).
 */
@Injectable({ providedIn: 'root' })
export class ServerLimits {
  private readonly api = inject(ServerApi);
  private readonly source = new ServerValue<StoryLimits>(() => this.api.limits(), DEFAULT_STORY_LIMITS, {
    accept: isStoryLimits,
    reloadOn: inject(TokenStore).changed$,
  });
  readonly limits = this.source.value;

  load(): void {
    this.source.load();
  }

  ngOnDestroy(): void {
    this.source.destroy();
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
