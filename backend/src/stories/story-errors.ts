import { isStoryId } from '@storyflow/contracts';
import { NotFoundError } from '../shared/errors.js';

export const notFound = (id: string) =>
  new NotFoundError(isStoryId(id) ? `story '${id}' does not exist` : `'${id}' is not a valid story id (24 hex characters)`);

/** The create's Idempotency-Key is held by a stored story already (its earlier attempt, or another request). */
export class IdempotencyKeyTaken extends Error {
  constructor() {
    super('the Idempotency-Key is taken');
  }
}
