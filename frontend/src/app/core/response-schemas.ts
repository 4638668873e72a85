// The schemas ServerApi parses answers with, in one module it loads on demand (see ServerApi).
export { InfoSchema, ProcessingSchema } from '@storyflow/contracts/responses';
export { StatsHistorySchema } from '@storyflow/contracts/stats';
