import type { GeneratorHold } from './generator';
import { describeHold } from './generator-status';

describe('describeHold', () => {
  // The clock's last tick was at T; the wait began 600 ms later.
  const T = new Date(2026, 0, 1, 12, 30, 5).getTime();
  const backoff: GeneratorHold = { reason: 'backoff', since: T + 600, at: T + 600, until: T + 7600 };

  it('counts a new wait down from when it began, not from the clock tick before it', () => {
    expect(describeHold(backoff, T)).toBe('waiting 7 s: the server asked to slow down');
  });

  it('counts down with the clock, whole seconds rounded up, then says it tries again', () => {
    expect(describeHold(backoff, T + 1000)).toBe('waiting 7 s: the server asked to slow down');
    expect(describeHold(backoff, T + 2000)).toBe('waiting 6 s: the server asked to slow down');
    expect(describeHold(backoff, T + 7000)).toBe('waiting 1 s: the server asked to slow down');
    expect(describeHold(backoff, T + 8000)).toBe('trying again');
  });

  it('says since when the server is unreachable (local time) and when the next probe goes', () => {
    const hold: GeneratorHold = { reason: 'unreachable', since: T - 60_000, at: T + 200, until: T + 4200 };
    expect(describeHold(hold, T)).toBe('paused: server unreachable since 12:29:05, next try in 4 s');
    expect(describeHold(hold, T + 5000)).toBe('paused: server unreachable since 12:29:05, trying');
  });
});
