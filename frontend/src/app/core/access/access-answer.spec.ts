import { describe, expect, it } from '@jest/globals';
import { AccessSchema } from '@storyflow/contracts/responses';
import { parseAccess } from './access-answer';

describe('parseAccess', () => {
  const good = { role: 'viewer', readsNeedToken: true, mutationsNeedToken: true };

  it('accepts what the contract’s schema accepts, and keeps only its fields', () => {
    expect(parseAccess({ ...good, extra: 1 })).toEqual(AccessSchema.parse(good));
    expect(parseAccess({ ...good, role: 'operator', readsNeedToken: false })).toEqual({
      role: 'operator',
      readsNeedToken: false,
      mutationsNeedToken: true,
    });
  });

  it.each([null, 'operator', {}, { ...good, role: 'admin' }, { ...good, readsNeedToken: 'yes' }, { role: 'viewer', readsNeedToken: true }])(
    'throws on what the schema refuses: %p',
    (body) => {
      expect(AccessSchema.safeParse(body).success).toBe(false);
      expect(() => parseAccess(body)).toThrow('malformed /api/access answer');
    },
  );
});
