import { convertToParamMap } from '@angular/router';
import { DEFAULT_AUDIT_QUERY, readAuditQuery, toAuditParams } from './audit-query';

const CURSOR = '0123456789abcdef01234567';

describe('the audit query in the URL', () => {
  it('reads the action and the cursor', () => {
    expect(readAuditQuery(convertToParamMap({ action: 'deleteDone', before: CURSOR }))).toEqual({ action: 'deleteDone', before: CURSOR });
    expect(readAuditQuery(convertToParamMap({}))).toEqual(DEFAULT_AUDIT_QUERY);
  });

  it('falls back to the default for what it cannot read (a hand-edited URL)', () => {
    expect(readAuditQuery(convertToParamMap({ action: 'explode', before: 'not-an-id' }))).toEqual(DEFAULT_AUDIT_QUERY);
    expect(readAuditQuery(convertToParamMap({ action: 'toString' }))).toEqual(DEFAULT_AUDIT_QUERY);
  });

  it('leaves the defaults out of the URL', () => {
    expect(toAuditParams(DEFAULT_AUDIT_QUERY)).toEqual({ action: null, before: null });
    expect(toAuditParams({ action: 'pause', before: CURSOR })).toEqual({ action: 'pause', before: CURSOR });
  });
});
