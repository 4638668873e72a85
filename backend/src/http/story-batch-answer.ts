import {
  IDEMPOTENT_REPLAYED_HEADER,
  pickCreateStorySchema,
  type CreateStoryBatchRequest,
  type CreateStorySchemas,
  type StoryBatchResult,
  type StoryBatchResultDto,
} from '@storyflow/contracts';
import type { BatchItem, BatchOutcome, Idempotency, StoryEndpoints } from './endpoints.js';
import { ApiError, fromDomain, validationError } from './errors.js';
import { reply, type Reply } from './route.js';

const failure = (e: ApiError): StoryBatchResult => {
  const retryAfter = Number(e.headers['Retry-After']);
  return {
    ok: false,
    status: e.status,
    ...(retryAfter > 0 ? { retryAfterSec: retryAfter } : {}),
    error: { code: e.code, message: e.message, details: e.details },
  };
};
const internal = () => new ApiError(500, 'internal', 'Internal server error');

/**
 * POST /api/stories/batch: each story validated alone (a bad one its own 400), the rest created together. 201 when every story is
 * stored, 200 and `Idempotent-Replayed` when all were by an earlier attempt, else 207.
 */
export async function answerBatch(
  stories: StoryEndpoints,
  schemas: CreateStorySchemas,
  body: CreateStoryBatchRequest,
  idempotency?: Idempotency,
): Promise<Reply<StoryBatchResultDto>> {
  const results: StoryBatchResult[] = new Array<StoryBatchResult>(body.stories.length);
  const items: BatchItem[] = [];
  body.stories.forEach((raw, index) => {
    const parsed = pickCreateStorySchema(raw, schemas).safeParse(raw);
    if (parsed.success) items.push({ index, request: parsed.data });
    else results[index] = failure(validationError(parsed.error, 'story'));
  });
  const outcomes = items.length ? await stories.createBatch(items, idempotency) : new Map<number, BatchOutcome>();
  for (const { index } of items) {
    const outcome = outcomes.get(index);
    if (!outcome) results[index] = failure(internal());
    else if ('error' in outcome) results[index] = failure(fromDomain(outcome.error) ?? internal());
    else results[index] = { ok: true, id: outcome.id, replayed: outcome.replayed };
  }
  const replayed = results.filter((r) => r.ok && r.replayed).length;
  const failed = results.filter((r) => !r.ok).length;
  const dto = { results, created: results.length - failed - replayed, replayed, failed };
  if (failed) return reply(207, dto);
  return replayed === results.length ? reply(200, dto, { [IDEMPOTENT_REPLAYED_HEADER]: 'true' }) : reply(201, dto);
}
