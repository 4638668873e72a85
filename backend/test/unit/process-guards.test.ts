import { describe, expect, it } from '@jest/globals';
import { isConnectionScoped } from '../../src/process-guards.js';
import { because } from '../support/because.js';

describe('process guards', () => {
  it('tells connection-scoped errors (harmless to the process) from others', () => {
    const coded = (code: string) => Object.assign(new Error(code), { code });
    for (const code of ['ECONNRESET', 'EPIPE', 'WS_ERR_INVALID_OPCODE', 'WS_ERR_UNEXPECTED_MASK', 'HPE_INVALID_METHOD'])
      because(code, () => expect(isConnectionScoped(coded(code))).toBe(true));
    for (const error of [new TypeError('x'), coded('ERR_ASSERTION'), null, 'text']) expect(isConnectionScoped(error)).toBe(false);
  });
});
