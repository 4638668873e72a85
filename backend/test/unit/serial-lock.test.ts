import { describe, expect, it } from '@jest/globals';
import { SerialLock } from '../../src/shared/serial-lock.js';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A promise and its resolve/reject, to finish a section when the test says so. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('SerialLock', () => {
  it('runs sections one at a time, in call order, even when a later one would finish first', async () => {
    const lock = new SerialLock();
    const log: string[] = [];
    let active = 0;
    let maxActive = 0;
    const section = (name: string, gates: ReturnType<typeof deferred<void>>) => async () => {
      active++;
      maxActive = Math.max(maxActive, active);
      log.push(`start ${name}`);
      await gates.promise;
      log.push(`end ${name}`);
      active--;
      return name;
    };
    const gates = [deferred<void>(), deferred<void>(), deferred<void>()];
    const results = ['a', 'b', 'c'].map((n, i) => lock.run(section(n, gates[i]!)));
    await tick();
    expect(log).toEqual(['start a']);
    gates[2]!.resolve(); // c is ready, but must wait for a and b
    gates[1]!.resolve();
    await tick();
    expect(log).toEqual(['start a']);
    gates[0]!.resolve();
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c']);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(maxActive).toBe(1);
  });

  it('a rejected section rejects its own caller and does not block the next', async () => {
    const lock = new SerialLock();
    const log: string[] = [];
    const first = lock.run(() => {
      log.push('first');
      return Promise.reject(new Error('boom'));
    });
    const second = lock.run(() => {
      log.push('second');
      return Promise.resolve(2);
    });
    await expect(first).rejects.toThrow('boom');
    await expect(second).resolves.toBe(2);
    expect(log).toEqual(['first', 'second']);
  });

  it('a section that throws synchronously is also contained', async () => {
    const lock = new SerialLock();
    const bad = lock.run(() => {
      throw new Error('sync');
    });
    await expect(bad).rejects.toThrow('sync');
    await expect(lock.run(() => Promise.resolve('ok'))).resolves.toBe('ok');
  });

  it('a section queued after a slow one that fails starts only after it failed', async () => {
    const lock = new SerialLock();
    const gate = deferred<void>();
    const log: string[] = [];
    const slow = lock.run(async () => {
      await gate.promise;
      log.push('slow failed');
      throw new Error('late');
    });
    const next = lock.run(() => {
      log.push('next');
      return Promise.resolve();
    });
    await tick();
    expect(log).toEqual([]);
    gate.resolve();
    await expect(slow).rejects.toThrow('late');
    await next;
    expect(log).toEqual(['slow failed', 'next']);
  });
});
