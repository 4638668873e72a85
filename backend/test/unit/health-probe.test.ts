import { describe, expect, it } from '@jest/globals';
import { HealthProbe } from '../../src/shared/health-probe.js';
import { FakeClock } from '../support/fake-clock.js';

const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

describe('HealthProbe (a ping with a deadline, every interval)', () => {
  it('turns unavailable when a ping hangs past its deadline, available at the first answer, and says so once each', async () => {
    const clock = new FakeClock(0);
    let answer: 'ok' | 'hang' | 'refuse' = 'ok';
    const reported: boolean[] = [];
    const probe = new HealthProbe(
      () =>
        answer === 'ok'
          ? Promise.resolve()
          : answer === 'refuse'
            ? Promise.reject(new Error('ECONNREFUSED'))
            : new Promise(() => undefined),
      clock,
      { intervalMs: 500, deadlineMs: 1000 },
      (ok) => reported.push(ok),
    );
    probe.start();
    const run = async (ms: number) => {
      for (let t = 0; t < ms; t += 50) {
        clock.advanceBy(50);
        await settle();
      }
    };
    await run(1000);
    expect(probe.available).toBe(true);
    answer = 'hang';
    await run(1600); // the next ping (≤ 500 ms) times out 1 s later
    expect(probe.available).toBe(false);
    const downSince = probe.stateSince;
    await run(3000);
    expect(probe.stateSince).toBe(downSince);
    answer = 'refuse';
    await run(1000);
    expect(probe.available).toBe(false);
    answer = 'ok';
    await run(1600);
    expect(probe.available).toBe(true);
    expect(reported).toEqual([false, true]);
    probe.stop();
  });
});
