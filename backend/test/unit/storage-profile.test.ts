import { describe, expect, it } from '@jest/globals';
import { storageProfile } from '../../src/db/storage-profile.js';

describe('storageProfile', () => {
  it('writes completions one per story on MongoDB, in one shared write on the stand-in, embedded or behind MONGODB_URI', () => {
    expect(storageProfile('external', { memoryMb: 192 })).toMatchObject({ completions: 'each', retentionDoneSeconds: 0, capacity: null });
    expect(storageProfile('embedded-memory', { memoryMb: 192 })).toMatchObject({ completions: 'shared', retentionDoneSeconds: 30 });
    // Behind MONGODB_URI only the write cost is the stand-in's: retention and capacity stay the operator's (none by default).
    expect(storageProfile('external', { memoryMb: 192 }, true)).toMatchObject({
      completions: 'shared',
      retentionDoneSeconds: 0,
      capacity: null,
    });
  });
});
