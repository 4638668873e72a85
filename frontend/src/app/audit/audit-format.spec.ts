import { AUDIT_ACTIONS } from '@storyflow/contracts/audit';
import { ACTION_WORDS, outcomeWords, targetSummary, whoWords } from './audit-format';

describe('the audit log in words', () => {
  it('names every action in human words, each its own', () => {
    expect(ACTION_WORDS.delete).toBe('Deleted a story');
    expect(ACTION_WORDS.deleteDone).toBe('Deleted all Done stories');
    expect(ACTION_WORDS.rerun).toBe('Ran again');
    expect(ACTION_WORDS.pause).toBe('Paused processing');
    expect(ACTION_WORDS.create).toBe('Created a story');
    const words = AUDIT_ACTIONS.map((action) => ACTION_WORDS[action]);
    expect(new Set(words).size).toBe(AUDIT_ACTIONS.length);
    expect(words.every((w) => /^[A-Z][a-z]/.test(w))).toBe(true);
  });

  it('says OK for a success, the status in words for a failure', () => {
    expect(outcomeWords(200)).toEqual({ ok: true, text: 'OK' });
    expect(outcomeWords(201)).toEqual({ ok: true, text: 'OK' });
    expect(outcomeWords(404)).toEqual({ ok: false, text: '404 not found' });
    expect(outcomeWords(503)).toEqual({ ok: false, text: '503 unavailable' });
    expect(outcomeWords(418)).toEqual({ ok: false, text: '418 refused' });
    expect(outcomeWords(599)).toEqual({ ok: false, text: '599 server error' });
  });

  it('sums up the filter and the count; nothing for ids alone (nor a count that is theirs)', () => {
    expect(targetSummary({ filter: { status: 'Done' }, count: 1234 })).toBe('where status is Done · 1,234 stories');
    expect(targetSummary({ ids: ['a', 'b'], count: 1 })).toBe('1 story');
    expect(targetSummary({ count: 0 })).toBe('0 stories');
    expect(targetSummary({ ids: ['a'] })).toBe('');
    expect(targetSummary({ ids: ['a', 'b'], count: 2 })).toBe('');
    expect(targetSummary({})).toBe('');
  });

  it('says who: with the operator token or on an open server, from where', () => {
    expect(whoWords({ token: true, client: '10.0.0.7', instance: 'local' })).toEqual({ role: 'Operator (token)', from: 'from 10.0.0.7' });
    expect(whoWords({ token: false, client: '::1', instance: 'web-2' })).toEqual({
      role: 'Open server (no token)',
      from: 'from ::1 via web-2',
    });
  });
});
