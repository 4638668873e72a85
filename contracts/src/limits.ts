/** Request limits. The server reads its own from the environment; these are the defaults. */
export interface StoryLimits {
  minTasks: number;
  maxTasks: number;
  minEstimateMs: number;
  maxEstimateMs: number;
  maxTitleLength: number;
}

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
