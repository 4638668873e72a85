import { describe, expect, it } from 'vitest';
import { isConnectionScoped } from '../../src/process-guards.js';

describe('process guards', () => {
  it('tells connection-scoped errors (harmless to the process) from others', () => {
    const coded = (code: string) => Object.assign(new Error(code), { code });
    for (const code of ['ECONNRESET', 'EPIPE', 'WS_ERR_INVALID_OPCODE', 'WS_ERR_UNEXPECTED_MASK', 'HPE_INVALID_METHOD'])
      expect(isConnectionScoped(coded(code)), code).toBe(true);
    for (const error of [new TypeError('x'), coded('ERR_ASSERTION'), null, 'text']) expect(isConnectionScoped(error)).toBe(false);
  });
});
