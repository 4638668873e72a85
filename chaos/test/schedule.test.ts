import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FAULT_KINDS, planFaults } from '../src/schedule.js';

describe('the nemesis schedule', () => {
  it('is the same for the same seed, and another for another', () => {
    const options = { seconds: 600, seed: 7, instances: 3, leaseMs: 5000 };
    assert.deepEqual(planFaults(options), planFaults(options));
    assert.notDeepEqual(planFaults(options), planFaults({ ...options, seed: 8 }));
  });

  it('plays faults one after another, after a warm-up and before a quiet end; a cut outlasts the lease', () => {
    for (const seed of [1, 2, 3, 42, 1234]) {
      const faults = planFaults({ seconds: 600, seed, instances: 3, leaseMs: 5000 });
      assert.ok(faults.length >= 40, `seed ${seed}: ${faults.length} faults`);
      assert.deepEqual(new Set(faults.map((f) => f.kind)), new Set(FAULT_KINDS));
      assert.ok(faults[0]!.atMs >= 5000);
      assert.ok(faults.at(-1)!.atMs + faults.at(-1)!.durationMs <= 597_000);
      for (let i = 1; i < faults.length; i++) assert.ok(faults[i]!.atMs >= faults[i - 1]!.atMs + faults[i - 1]!.durationMs);
      for (const f of faults.filter((f) => f.kind === 'cut-redis')) assert.ok(f.durationMs > 5000);
      for (const f of faults.filter((f) => f.target !== undefined)) assert.ok(f.target! >= 0 && f.target! < 3);
    }
  });

  it('fits most kinds into a one-minute run', () => {
    for (const seed of [1, 2, 3, 23, 99]) {
      const kinds = new Set(planFaults({ seconds: 60, seed, instances: 3, leaseMs: 5000 }).map((f) => f.kind));
      assert.ok(kinds.size >= 5, `seed ${seed}: ${[...kinds].join(', ')}`);
    }
  });
});
