import { describe, expect, it } from '@jest/globals';
import { Lifecycle } from '../../src/shared/lifecycle.js';

describe('Lifecycle', () => {
  it('stops the parts in the reverse of their start order, each after the one started later has stopped', async () => {
    const events: string[] = [];
    const lifecycle = new Lifecycle(() => undefined);
    for (const name of ['database', 'processor', 'http']) {
      lifecycle.started(name, async () => {
        events.push(`stopping ${name}`);
        await new Promise((resolve) => setImmediate(resolve));
        events.push(`stopped ${name}`);
      });
    }
    expect(lifecycle.stopOrder).toEqual(['http', 'processor', 'database']);
    await lifecycle.stop();
    expect(events).toEqual([
      'stopping http',
      'stopped http',
      'stopping processor',
      'stopped processor',
      'stopping database',
      'stopped database',
    ]);
  });

  it('reports a part that fails to stop and still stops the others; a second stop is the same one', async () => {
    const failures: string[] = [];
    const stopped: string[] = [];
    const lifecycle = new Lifecycle((part) => failures.push(part));
    lifecycle.started('first', () => stopped.push('first'));
    lifecycle.started('broken', () => {
      throw new Error('cannot stop');
    });
    lifecycle.started('last', () => stopped.push('last'));
    const once = lifecycle.stop();
    expect(lifecycle.stop()).toBe(once);
    await once;
    expect(stopped).toEqual(['last', 'first']);
    expect(failures).toEqual(['broken']);
  });

  it('refuses a part that starts once stopping began (it would never be stopped)', async () => {
    const lifecycle = new Lifecycle(() => undefined);
    await lifecycle.stop();
    expect(() => lifecycle.started('late', () => undefined)).toThrow(/'late' started while the server is stopping/);
  });
});
