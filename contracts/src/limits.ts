// Types only from zod and the schema: the dashboard imports this file on its own to keep zod out of its
// initial bundle, and type imports vanish from the JavaScript.
import type { z } from 'zod';
import type { StoryLimitsSchema } from './api.js';

/** Request limits. The server reads its own from the environment; these are the defaults. */
export type StoryLimits = z.infer<typeof StoryLimitsSchema>;

export const DEFAULT_STORY_LIMITS: StoryLimits = {
  minTasks: 1,
  maxTasks: 1000,
  minEstimateMs: 1,
  maxEstimateMs: 60_000,
  maxTitleLength: 200,
};

/** Pagination limits of GET /api/stories. */
export const PAGE_LIMIT_DEFAULT = 20;
export const PAGE_LIMIT_MAX = 100;
/** Longest search text (`q`, a story id or words of titles) of GET /api/stories; the dashboard's search field holds no more. */
export const SEARCH_QUERY_MAX_LENGTH = 200;
