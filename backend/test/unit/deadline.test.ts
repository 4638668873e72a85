import { describe, expect, it } from '@jest/globals';
import { withDeadline } from '../../src/shared/deadline.js';
import { FakeClock } from '../support/fake-clock.js';

describe('withDeadline (a call a hung peer never answers)', () => {
  it("gives the attempt's answer and leaves no timer behind", async () => {
    const clock = new FakeClock(0);
    await expect(withDeadline(Promise.resolve(7), 100, () => new Error('late'), clock)).resolves.toBe(7);
    await expect(withDeadline(Promise.reject(new Error('refused')), 100, () => new Error('late'), clock)).rejects.toThrow('refused');
    expect(clock.pendingTimers).toBe(0);
  });

  it("fails with onTimeout's error once the deadline passes, and a later failure of the attempt goes nowhere", async () => {
    const clock = new FakeClock(0);
    let fail: (error: Error) => void = () => undefined;
    const attempt = new Promise<never>((_, reject) => (fail = reject));
    const result = withDeadline(attempt, 100, () => new Error('no answer within 100 ms'), clock);
    clock.advanceBy(99);
    clock.advanceBy(1);
    await expect(result).rejects.toThrow('no answer within 100 ms');
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    fail(new Error('ECONNRESET after the deadline'));
    await new Promise((r) => setImmediate(r));
    process.off('unhandledRejection', onUnhandled);
    expect(unhandled).toEqual([]);
  });
});
