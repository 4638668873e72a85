import { mongo } from 'mongoose';
import { DatabaseUnavailableError } from '../shared/errors.js';
import { DuplicateKeyError, isDatabaseUnavailable, isDuplicateKey } from './db-errors.js';

type Collection = Pick<mongo.Collection<mongo.Document>, 'insertMany'>;

/**
 * Inserts documents (unordered, journaled): each one's outcome, null (stored) or its own error (a DuplicateKeyError naming the
 * index). Throws when outcomes are not known per document (DatabaseUnavailableError, a write concern error). The stand-in refuses a
 * whole batch on one duplicate without saying which: then each is inserted alone. A duplicate `_id` is its own earlier insert.
 */
export async function insertEach(collection: Collection, docs: mongo.Document[], maxTimeMS: number): Promise<(Error | null)[]> {
  const options = { ordered: false, writeConcern: { w: 1, journal: true }, maxTimeMS } as const;
  try {
    await collection.insertMany(docs, options);
    return docs.map(() => null);
  } catch (error) {
    if (isDatabaseUnavailable(error)) throw error instanceof DatabaseUnavailableError ? error : new DatabaseUnavailableError(error);
    const perDocument = outcomesOf(error, docs.length);
    if (perDocument) return perDocument;
    if (isDuplicateKey(error) && docs.length > 1)
      return Promise.all(docs.map((doc) => insertEach(collection, [doc], maxTimeMS).then(([e]) => e!)));
    if (isDuplicateKey(error)) return [refusal(DuplicateKeyError.from(error))];
    // No per-document errors: the driver wrapped a failure of the whole call (a lost connection, a step-down).
    if (error instanceof mongo.MongoBulkWriteError && ![error.writeErrors].flat().length) throw new DatabaseUnavailableError(error);
    throw error;
  }
}

/** Each document's outcome when the server reported every failure (the rest are stored), else null. */
function outcomesOf(error: unknown, count: number): (Error | null)[] | null {
  if (!(error instanceof mongo.MongoBulkWriteError)) return null;
  const writeErrors = [error.writeErrors].flat();
  if (!writeErrors.length) return null;
  if (error.result.getWriteConcernError() || error.insertedCount + writeErrors.length !== count) return null;
  const failed = new Map<number, Error>();
  for (const e of writeErrors) failed.set(e.index, isDuplicateKey(e) ? DuplicateKeyError.from(e) : new Error(e.errmsg ?? 'insert failed'));
  return Array.from({ length: count }, (_, i) => refusal(failed.get(i) ?? null));
}

/** A duplicate of the document's own new `_id` means it is stored: not a refusal. */
const refusal = (error: Error | null): Error | null => (error instanceof DuplicateKeyError && error.index === '_id_' ? null : error);
