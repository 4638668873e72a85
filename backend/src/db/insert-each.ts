import { mongo } from 'mongoose';
import { DatabaseUnavailableError } from '../shared/errors.js';
import { DuplicateKeyError, isDatabaseUnavailable, isDuplicateKey } from './db-errors.js';

type Collection = Pick<mongo.Collection<mongo.Document>, 'insertMany'>;

/**
 * Inserts documents (unordered, journaled) and says what became of each: null (stored) or its own error
 * (a DuplicateKeyError naming the index). Throws when the outcome of the batch is not known document by
 * document (unreachable, or no document's error reported: DatabaseUnavailableError; a write concern
 * error): then nothing is known stored.
 *
 * Real MongoDB stores the others and reports each failed document. The in-memory stand-in refuses the
 * whole batch on one duplicate without saying which: then each document is inserted alone. A document
 * refused for its `_id` is stored already (its id is new, so only its own earlier insert can hold it).
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
