import { describe, expect, it } from '@jest/globals';
import { GroupCommit } from '../../src/shared/group-commit.js';

/** A write whose completion the test controls. */
function controlledWrite() {
  const batches: number[][] = [];
  // Per item, the error it failed with, or null.
  const pending: { resolve: (errors: (Error | null)[]) => void; reject: (e: unknown) => void }[] = [];
  const write = (items: number[]) =>
    new Promise<(Error | null)[]>((resolve, reject) => {
      batches.push(items);
      pending.push({ resolve, reject });
    });
  return { batches, pending, write };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('GroupCommit', () => {
  it('writes a lone item at once, and items that arrive meanwhile together in the next batch', async () => {
    const { batches, pending, write } = controlledWrite();
    const commit = new GroupCommit(write);
    const first = commit.submit(1);
    expect(batches).toEqual([[1]]);
    const rest = [commit.submit(2), commit.submit(3), commit.submit(4)];
    expect(batches).toHaveLength(1);
    pending[0]!.resolve([null]);
    await first;
    await settle();
    expect(batches).toEqual([[1], [2, 3, 4]]);
    pending[1]!.resolve([null, null, null]);
    await Promise.all(rest);
  });

  it('fails only the items the write reports, and a thrown write fails its whole batch', async () => {
    const { batches, pending, write } = controlledWrite();
    const commit = new GroupCommit(write);
    const a = commit.submit(1);
    const [b, c] = [commit.submit(2), commit.submit(3)]; // queued behind 1: one batch
    pending[0]!.resolve([null]);
    await a;
    await settle();
    expect(batches[1]).toEqual([2, 3]);
    pending[1]!.resolve([null, new Error('duplicate key')]);
    await expect(b).resolves.toBeUndefined();
    await expect(c).rejects.toThrow('duplicate key');
    const d = commit.submit(4);
    pending[2]!.reject(new Error('network'));
    await expect(d).rejects.toThrow('network');
    // Still usable after a failure.
    const e = commit.submit(5);
    await settle();
    pending[3]!.resolve([null]);
    await expect(e).resolves.toBeUndefined();
  });

  it('caps the batch size', async () => {
    const { batches, pending, write } = controlledWrite();
    const commit = new GroupCommit(write, 2);
    const all = [1, 2, 3, 4, 5].map((n) => commit.submit(n));
    for (let i = 0; i < 3; i++) {
      await settle();
      pending[i]!.resolve(batches[i]!.map(() => null));
    }
    await Promise.all(all);
    expect(batches).toEqual([[1], [2, 3], [4, 5]]);
  });
});
