import type { Collection } from 'mongoose';

/** Server errors that mean the index is not there, or the server cannot drop indexes (the in-memory stand-in). */
const NOTHING_TO_DROP = new Set([27 /* IndexNotFound */, 26 /* NamespaceNotFound */, 59 /* CommandNotFound */]);

/** Drops redundant indexes of earlier versions (each costs every write); missing ones, or a server that cannot drop, are fine. */
export async function dropSupersededIndexes(collection: Collection, names: readonly string[], maxTimeMS: number): Promise<void> {
  for (const name of names) {
    try {
      await collection.dropIndex(name, { maxTimeMS });
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (typeof code !== 'number' || !NOTHING_TO_DROP.has(code)) throw error;
    }
  }
}
