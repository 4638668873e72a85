import { describe, expect, it } from '@jest/globals';
import { IDEMPOTENCY_WINDOW_SEC } from '@storyflow/contracts';
import { MemoryPurgedKeys, type PurgedKey } from '../../src/stories/purged-keys.js';

const key = (n: number, createdAt = 0): PurgedKey => ({
  key: `k${n}`,
  id: String(n).padStart(24, '0'),
  requestHash: 'h',
  createdAt: new Date(createdAt),
});

describe('MemoryPurgedKeys (the in-memory stand-in keeps purged stories’ keys in the server)', () => {
  it('finds what it keeps, at most `max`, the oldest going first', async () => {
    const now = 1_000;
    const keys = new MemoryPurgedKeys(3, () => now);
    await keys.keep([key(1), key(2)]);
    await keys.keep([key(3), key(4)]);
    expect((await keys.find(['k1', 'k2', 'k3', 'k4', 'k5'])).map((k) => k.key)).toEqual(['k2', 'k3', 'k4']);
  });

  it('lets a key go once its window is over, and on release of a story older than the cutoff only', async () => {
    let now = 0;
    const keys = new MemoryPurgedKeys(100, () => now);
    await keys.keep([key(1, 0), key(2, 5_000)]);
    expect(await keys.release('k2', new Date(5_000))).toBe(false);
    expect(await keys.release('k1', new Date(5_000))).toBe(true);
    expect(await keys.find(['k1'])).toEqual([]);
    now = 5_000 + IDEMPOTENCY_WINDOW_SEC * 1000 + 1;
    await keys.keep([key(3, now)]);
    expect((await keys.find(['k2', 'k3'])).map((k) => k.key)).toEqual(['k3']);
  });
});
