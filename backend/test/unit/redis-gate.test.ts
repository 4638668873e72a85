import { describe, expect, it } from '@jest/globals';
import { RedisGate } from '../../src/cluster/redis-gate.js';
import type { RedisHealth } from '../../src/cluster/redis-health.js';
import { CoordinationUnavailableError, OverloadedError } from '../../src/shared/errors.js';

const health = (available: boolean) => ({ available }) as RedisHealth;

describe('RedisGate (calls a request waits for)', () => {
  it('fails at once while Redis is known to be away, without calling it', async () => {
    let called = false;
    await expect(new RedisGate(health(false)).run(() => Promise.resolve((called = true)))).rejects.toThrow(CoordinationUnavailableError);
    expect(called).toBe(false);
  });

  it('gives a call that never answers (a frozen Redis) its deadline, then refuses', async () => {
    const started = Date.now();
    await expect(new RedisGate(health(true), 50).run(() => new Promise(() => undefined))).rejects.toThrow(CoordinationUnavailableError);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("turns Redis's errors into CoordinationUnavailableError and lets the domain's own refusals through", async () => {
    const gate = new RedisGate(health(true));
    await expect(gate.run(() => Promise.reject(new Error('ECONNRESET')))).rejects.toThrow(CoordinationUnavailableError);
    await expect(gate.run(() => Promise.reject(new OverloadedError('full', 5)))).rejects.toThrow(OverloadedError);
    await expect(gate.run(() => Promise.resolve(7))).resolves.toBe(7);
  });
});
