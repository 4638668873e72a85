import { z } from 'zod';
import {
  InstanceFiguresSchema,
  MAX_SKETCH_BUCKETS,
  MAX_SLOW_STORIES,
  ProcessingDtoSchema,
  StatsSampleSchema,
  StoriesActivitySchema,
  STORY_ID_PATTERN,
} from '@storyflow/contracts';
import type { Logger } from '../logger.js';

/** What the instances tell each other through Redis, validated like client input: a value that does not parse is dropped, logged. */

const count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const counts = {
  produced: count,
  completed: count,
  removed: count,
  tasksDone: count,
  latency: z.array(count).max(256),
};

/** One instance's own second, as it reports it (see ClusterStats.report). */
export const InstanceSecondSchema = z.object({
  t: z.number().int(),
  producedPerSec: count,
  completedPerSec: count,
  removedPerSec: count,
  poolSize: count,
  busyWorkers: count,
  backlogTasks: count,
  paused: z.boolean(),
  latencyBuckets: z.array(count).max(256).optional(),
  /** The same latencies in a relative-error sketch (absent from older versions: the leader then merges buckets). */
  latencySketch: z
    .object({ zeros: count, offset: z.number().int().min(-100_000).max(100_000), counts: z.array(count).max(MAX_SKETCH_BUCKETS) })
    .optional(),
  /** The phases of its second's slowest stories (absent from older versions, or when none had known phases). */
  slowStories: z
    .array(z.tuple([count, count, count]))
    .max(MAX_SLOW_STORIES)
    .optional(),
  tasksDonePerSec: count.optional(),
  oldestOpenAgeSec: z.number().nonnegative().nullable().optional(),
  totals: z.object({ ...counts, since: z.number() }).optional(),
});
export type InstanceSecond = z.infer<typeof InstanceSecondSchema>;

export const ClusterSecondSchema = z.object({ sample: StatsSampleSchema, activity: StoriesActivitySchema });
export { InstanceFiguresSchema, ProcessingDtoSchema };

/** Stories deleted by some instance (at most a bulk action's worth at a time). */
export const DeletedIdsSchema = z.array(z.string().regex(STORY_ID_PATTERN)).max(10_000);

type Parser<T> = { safeParse(value: unknown): { success: true; data: T } | { success: false; error: unknown } };

/** Parses a JSON message read from Redis; null (and a warning naming `what`) when it is not one. */
export function readMessage<T>(schema: Parser<T>, text: string, what: string, logger: Logger): T | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    logger.warn({ what, length: text.length }, 'unreadable message from redis ignored');
    return null;
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  logger.warn({ what, err: parsed.error }, 'malformed message from redis ignored');
  return null;
}
