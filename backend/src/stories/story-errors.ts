import { NotFoundError } from '../shared/errors.js';

// ObjectId.isValid also accepts any 12-character string; ids here are always 24 hex digits.
export const isStoryId = (id: string) => /^[0-9a-f]{24}$/i.test(id);

export const notFound = (id: string) =>
  new NotFoundError(isStoryId(id) ? `story '${id}' does not exist` : `'${id}' is not a valid story id (24 hex characters)`);
