import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { check, truthAt, type CheckInput, type StoredStory } from '../src/checker.js';
import type { Attempt, HistoryEvent, Outcome } from '../src/history.js';

/**
 * The checker must be able to fail: a clean run passes, and each broken guarantee (a story dropped, a
 * create doubled, a counter skipped, a 500, a health check that lies) is reported as what it is.
 */

const T0 = 1_000_000;
const attempt = (op: Attempt['op'], key: string, status: number, extra: Partial<Attempt> = {}): Attempt => ({
  type: 'attempt',
  client: 'c1',
  op,
  key,
  at: T0,
  ms: 5,
  status,
  retryAfter: null,
  ...extra,
});
const outcome = (op: Outcome['op'], key: string, result: Outcome['result'], extra: Partial<Outcome> = {}): Outcome => ({
  type: 'outcome',
  client: 'c1',
  op,
  key,
  result,
  attempts: 1,
  ...extra,
});
const done = (id: string, title: string): StoredStory => ({ id, title, status: 'Done', taskCount: 3, tasksDone: 3 });

/** Three accepted creates (one after a 503), one of them deleted; the database agrees; health told the truth. */
function cleanRun(): CheckInput {
  const history: HistoryEvent[] = [
    attempt('create', 'k1', 201, { id: 'a' }),
    outcome('create', 'k1', 'ok', { id: 'a' }),
    attempt('create', 'k2', 503, { retryAfter: '2', code: 'unavailable' }),
    attempt('create', 'k2', 200, { id: 'b' }),
    outcome('create', 'k2', 'ok', { id: 'b', attempts: 2 }),
    attempt('create', 'k3', 201, { id: 'c' }),
    outcome('create', 'k3', 'ok', { id: 'c' }),
    attempt('delete', 'c', 200),
    outcome('delete', 'c', 'deleted'),
    attempt('list', '-', 503, { retryAfter: '5', at: T0 + 45_000 }),
    { type: 'feed', client: 'c1', feed: 'socket.io', seconds: [1000, 1001, 1060], connects: 1, repeats: 0 },
  ];
  return {
    seconds: 60,
    seed: 1,
    startedAt: T0,
    faults: [
      { kind: 'freeze-redis', start: T0 + 10_000, end: T0 + 20_000 },
      { kind: 'freeze-database', start: T0 + 40_000, end: T0 + 50_000 },
    ],
    history,
    stored: [done('a', 'k1'), done('b', 'k2')],
    counters: { deleted: 1, purged: 0, removedOpen: 0, removedDone: 1, pendingRemovals: 0 },
    published: [
      { open: 0, completed: 3 },
      { open: 0, completed: 3 },
    ],
    health: [
      { at: T0 + 5_000, instance: 0, status: 200, db: 'connected', redis: 'connected' },
      { at: T0 + 15_000, instance: 0, status: 200, db: 'connected', redis: 'unavailable' },
      { at: T0 + 30_000, instance: 1, status: 200, db: 'connected', redis: 'connected' },
    ],
    peakRssMb: { instance: 150 },
    rssBoundMb: 512,
    feedsBackBy: 1_050_000,
  };
}

describe('the chaos checker', () => {
  it('passes a clean run, counting what happened', () => {
    const result = check(cleanRun());
    assert.deepEqual(result.failed, []);
    assert.equal(result.accepted, 3);
    assert.equal(result.doneExactlyOnce, 2);
    assert.equal(result.lost, 0);
    assert.equal(result.duplicated, 0);
    assert.equal(result.countersExact, true);
    assert.equal(result.unexpected5xx, 0);
    assert.equal(result.healthAccurate, 1);
  });

  it('reports a story accepted and never stored (a dropped create) as lost', () => {
    const run = cleanRun();
    run.stored = run.stored.filter((s) => s.id !== 'b');
    run.published = run.published.map(() => ({ open: 0, completed: 2 }));
    const result = check(run);
    assert.equal(result.lost, 1);
    assert.ok(result.failed.some((f) => f.startsWith('lost')));
  });

  it('reports a story stored twice for one request (a doubled create) as duplicated', () => {
    const run = cleanRun();
    run.stored.push(done('x', 'k1'));
    run.published = run.published.map(() => ({ open: 0, completed: 4 }));
    assert.equal(check(run).duplicated, 1);
  });

  it('reports a story left Open (a dropped commit): not done exactly once', () => {
    const run = cleanRun();
    run.stored[1] = { ...run.stored[1]!, status: 'Open', tasksDone: 1 };
    run.published = run.published.map(() => ({ open: 1, completed: 2 }));
    const result = check(run);
    assert.equal(result.doneExactlyOnce, 1);
    assert.ok(result.failed.some((f) => f.startsWith('doneExactlyOnce')));
  });

  it('reports a counter that skipped a deletion, or figures that disagree with the database', () => {
    const skipped = cleanRun();
    skipped.counters = { ...skipped.counters, deleted: 0, removedDone: 0 };
    skipped.published = skipped.published.map(() => ({ open: 0, completed: 2 }));
    assert.equal(check(skipped).countersExact, false);
    const doubled = cleanRun();
    doubled.published[1] = { open: 0, completed: 4 };
    assert.equal(check(doubled).countersExact, false);
  });

  it('counts a 500, a 502, and a 503 without Retry-After as unexpected; a refusal whose retry got through is not', () => {
    const run = cleanRun();
    run.history.push(attempt('list', '-', 500), attempt('list', '-', 502), attempt('create', 'k1', 503));
    assert.equal(check(run).unexpected5xx, 3);
    const given = cleanRun();
    given.history.push(attempt('create', 'k9', 503, { retryAfter: '2' }), outcome('create', 'k9', 'unresolved', { attempts: 9 }));
    const result = check(given);
    assert.equal(result.unexpected5xx, 1);
    assert.ok(result.failed.some((f) => f.startsWith('creates never answered')));
  });

  it('reports a second story for a request even when a client deleted the first one', () => {
    const run = cleanRun();
    run.stored.push(done('y', 'k3'));
    run.published = run.published.map(() => ({ open: 0, completed: 4 }));
    assert.equal(check(run).duplicated, 1);
  });

  it('reports a request never answered (a hang), a read refused outside a database outage, a story deleted yet stored', () => {
    const run = cleanRun();
    run.history.push(attempt('list', '-', 0, { ms: 15_000 }), attempt('list', '-', 503, { retryAfter: '2', at: T0 + 15_000 }));
    run.stored.push(done('c', 'k3'));
    run.counters = { ...run.counters, deleted: 0, removedDone: 0 };
    run.published = run.published.map(() => ({ open: 0, completed: 3 }));
    const result = check(run);
    assert.equal(result.unexpected5xx, 1);
    assert.ok(result.failed.some((f) => f.startsWith('requests never answered')));
    assert.ok(result.failed.some((f) => f.startsWith('deleted (200) yet still stored')));
  });

  it('reports a feed that got a second twice (a stats event relayed once per instance)', () => {
    const run = cleanRun();
    run.history.push({ type: 'feed', client: 'c2', feed: 'socket.io', seconds: [1060], connects: 1, repeats: 3 });
    assert.ok(check(run).failed.some((f) => f.includes('more than once')));
  });

  it('judges health during faults on its own: right in normal times is not enough', () => {
    const run = cleanRun();
    run.health = [
      ...Array.from({ length: 40 }, (_, i) => ({
        at: T0 + 60_000 + i * 1000,
        instance: 0,
        status: 200,
        db: 'connected' as const,
        redis: 'connected' as const,
      })),
      { at: T0 + 15_000, instance: 0, status: 200, db: 'connected', redis: 'connected' },
    ];
    const result = check(run);
    assert.ok(result.healthAccurate >= 0.95);
    assert.ok(result.failed.some((f) => f.includes('during faults')));
  });

  it('reports health that does not say what the nemesis did, past the grace period', () => {
    const run = cleanRun();
    run.health = run.health.map((s) => ({ ...s, redis: 'connected' }));
    const result = check(run);
    assert.equal(result.healthAccurate, 0.667);
    assert.ok(result.failed.some((f) => f.startsWith('health accurate')));
  });

  it('reports an instance over its memory bound, and a feed that never came back', () => {
    const run = cleanRun();
    run.peakRssMb = { instance: 900 };
    run.feedsBackBy = 2_000_000;
    const result = check(run);
    assert.ok(result.failed.some((f) => f.includes('RSS')));
    assert.ok(result.failed.some((f) => f.startsWith('feed without seconds')));
  });
});

describe('what health should have said', () => {
  const faults = [
    { kind: 'cut-redis' as const, target: 1, start: 10_000, end: 20_000 },
    { kind: 'kill-instance' as const, target: 0, start: 30_000, end: 35_000 },
    { kind: 'freeze-database' as const, start: 40_000, end: 45_000 },
  ];
  it('is Redis unavailable for the instance cut off only, the database for all; not judged while noticing, recovering or down', () => {
    assert.deepEqual(truthAt(faults, 1, 15_000), { judged: true, db: true, redis: false });
    assert.deepEqual(truthAt(faults, 0, 15_000), { judged: true, db: true, redis: true });
    assert.equal(truthAt(faults, 1, 9_500).judged, true);
    assert.equal(truthAt(faults, 1, 12_000).judged, false);
    assert.equal(truthAt(faults, 1, 21_000).judged, false);
    assert.equal(truthAt(faults, 0, 33_000).judged, false);
    assert.equal(truthAt(faults, 0, 37_000).judged, false);
    assert.equal(truthAt(faults, 2, 42_000).judged, false);
    assert.deepEqual(truthAt(faults, 2, 44_000), { judged: true, db: false, redis: true });
  });
});
