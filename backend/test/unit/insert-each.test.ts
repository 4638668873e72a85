import { describe, expect, it } from '@jest/globals';
import { mongo } from 'mongoose';
import { DuplicateKeyError } from '../../src/db/db-errors.js';
import { insertEach } from '../../src/db/insert-each.js';
import { DatabaseUnavailableError } from '../../src/shared/errors.js';

/** A duplicate-key error as servers send it (the index named in the message). */
const duplicate = (index: string) =>
  Object.assign(new Error(`E11000 duplicate key error index: ${index} dup key: { x: 1 }`), { name: 'MongoServerError', code: 11000 });

/**
 * The in-memory stand-in's way: a batch with one duplicate fails whole, naming neither the document nor
 * whether any other was stored; a document alone says what it is.
 */
function standIn(stored: Set<string>, keys: Set<string>) {
  const one = (doc: { _id: string; key?: string }) => {
    if (stored.has(doc._id)) throw duplicate('_id_');
    if (doc.key && keys.has(doc.key)) throw duplicate('idempotencyKey_1');
    stored.add(doc._id);
    if (doc.key) keys.add(doc.key);
  };
  return {
    // A refusal rejects, as the driver's does (a throw in the executor).
    insertMany: (docs: { _id: string; key?: string }[]) =>
      new Promise((resolve) => {
        if (docs.length > 1 && docs.some((d) => stored.has(d._id) || (d.key && keys.has(d.key)))) throw duplicate('idempotencyKey_1');
        docs.forEach(one);
        resolve({ acknowledged: true, insertedCount: docs.length, insertedIds: {} });
      }),
  };
}

describe('insertEach (what became of each document of a batch)', () => {
  it("splits a batch the server refused whole into documents: a taken key is that document's own refusal", async () => {
    const stored = new Set<string>();
    const keys = new Set(['taken']);
    const outcomes = await insertEach(
      standIn(stored, keys) as never,
      [{ _id: 'a' }, { _id: 'b', key: 'taken' }, { _id: 'c', key: 'free' }],
      1000,
    );
    expect(outcomes[0]).toBeNull();
    expect(outcomes[1]).toBeInstanceOf(DuplicateKeyError);
    expect((outcomes[1] as DuplicateKeyError).index).toBe('idempotencyKey_1');
    expect(outcomes[2]).toBeNull();
    expect([...stored].sort()).toEqual(['a', 'c']);
  });

  it('counts a document refused for its own _id as stored (an earlier insert of it landed)', async () => {
    const stored = new Set(['a']);
    const outcomes = await insertEach(standIn(stored, new Set()) as never, [{ _id: 'a' }, { _id: 'b' }], 1000);
    expect(outcomes).toEqual([null, null]);
  });

  it('treats a batch error that reports no document (the whole call failed: a step-down) as unavailable: outcome unknown', async () => {
    const steppedDown = {
      insertMany: () => Promise.reject(new mongo.MongoBulkWriteError({ message: 'not primary', code: 10107 }, {} as never)),
    };
    await expect(insertEach(steppedDown as never, [{ _id: 'a' }], 1000)).rejects.toThrow(DatabaseUnavailableError);
  });
});
