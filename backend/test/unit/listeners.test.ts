import { describe, expect, it } from '@jest/globals';
import { Listeners } from '../../src/shared/listeners.js';

describe('Listeners', () => {
  it('calls each listener in the order added, with every argument, until it stops listening', () => {
    const listeners = new Listeners<[id: string, n: number]>();
    const calls: string[] = [];
    const stopA = listeners.add((id, n) => calls.push(`a ${id} ${n}`));
    listeners.add((id, n) => calls.push(`b ${id} ${n}`));
    expect(listeners.size).toBe(2);
    listeners.emit('x', 1);
    stopA();
    stopA();
    listeners.emit('y', 2);
    expect(calls).toEqual(['a x 1', 'b x 1', 'b y 2']);
    expect(listeners.size).toBe(1);
  });
});
