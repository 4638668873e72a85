/** The queues of the BullMQ comparison (bullmq.ts adds the flows, bullmq-worker.ts runs them). */
export const TASK_QUEUE = 'bench-tasks';
export const STORY_QUEUE = 'bench-stories';
/**
 * As many tasks at once as Storyflow's pool may run (POOL_MAX, 1000): BullMQ has no adaptive pool, so
 * it gets the ceiling from the start and concurrency is never what holds it back.
 */
export const TASK_CONCURRENCY = 1000;
