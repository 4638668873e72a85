import { describe, expect, it } from '@jest/globals';
import { healthVerdict } from '../../src/http/health-verdict.js';

describe('what /api/health says', () => {
  it('ok when everything answers', () => {
    expect(healthVerdict({ database: true, redis: true, accepting: true })).toEqual({ status: 'ok', problems: [] });
    expect(healthVerdict({ database: true, redis: null, accepting: true })).toEqual({ status: 'ok', problems: [] });
  });

  it('degraded (still ready) when only Redis is away: a readiness failing for it would take every instance out at once', () => {
    expect(healthVerdict({ database: true, redis: false, accepting: true })).toEqual({
      status: 'degraded',
      problems: ['redis: unavailable'],
    });
  });

  it('unavailable when this instance cannot serve: its database away, or stopping; every problem named', () => {
    expect(healthVerdict({ database: false, redis: false, accepting: true })).toEqual({
      status: 'unavailable',
      problems: ['database: unavailable', 'redis: unavailable'],
    });
    expect(healthVerdict({ database: true, redis: true, accepting: false })).toEqual({ status: 'unavailable', problems: ['stopping'] });
  });
});
