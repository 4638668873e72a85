// zod/mini with jitless, like stats.ts: the shell parses these at start and the worker parses progress,
// so they must not pull all of zod into the initial bundle or the worker.
import * as z from 'zod/mini';
import type { AccessDto, InfoDto } from './api.js';
import type { ProcessingDto, StoryProgressDto } from './story.js';

z.config({ jitless: true });

/**
 * Schemas for the responses and socket payloads the dashboard parses before use (added for the
 * dashboard; the interfaces in api.ts and story.ts stay the source of truth: `Same` below fails to
 * compile when a schema and its interface drift apart).
 */
const DbModeSchema = z.enum(['external', 'embedded-mongod', 'embedded-memory']);
const isoOrNull = z.nullable(z.string());

export const AccessSchema = z.object({
  role: z.enum(['operator', 'viewer']),
  readsNeedToken: z.boolean(),
  mutationsNeedToken: z.boolean(),
});

export const InfoSchema = z.object({
  db: z.object({ mode: DbModeSchema, durable: z.boolean() }),
  retention: z.object({ doneSeconds: z.number(), maxDoneTasks: z.number() }),
  historySeconds: z.number(),
  countersSince: z.number(),
  paused: z.boolean(),
  pool: z.object({ min: z.number(), max: z.number() }),
  instanceId: z.nullable(z.string()),
});

export const ProcessingSchema = z.object({ paused: z.boolean(), since: z.number() });

export const StoryProgressSchema = z.object({
  id: z.string(),
  status: z.enum(['Open', 'Done', 'Deleted']),
  taskCount: z.number(),
  doneCount: z.number(),
  runningTasks: z.number(),
  running: z.array(z.number()),
  startedAt: isoOrNull,
  completedAt: isoOrNull,
});

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const same = <A, B>(check: Same<A, B>) => check;
same<z.infer<typeof AccessSchema>, AccessDto>(true);
same<z.infer<typeof InfoSchema>, InfoDto>(true);
same<z.infer<typeof ProcessingSchema>, ProcessingDto>(true);
same<z.infer<typeof StoryProgressSchema>, StoryProgressDto>(true);
