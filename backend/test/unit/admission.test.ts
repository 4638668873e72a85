import { describe, expect, it } from '@jest/globals';
import { Admission } from '../../src/processing/admission.js';
import { OverloadedError } from '../../src/shared/errors.js';

describe('Admission', () => {
  it('reserves up to the bound, refuses beyond with a Retry-After from the backlog, and releases once', () => {
    let drainSec = 0;
    const a = new Admission({ bounds: { tasks: 100, stories: 10 }, drainSec: () => drainSec });
    const first = a.reserve(60);
    expect(a.openTasks).toBe(60);
    let refused: unknown;
    try {
      drainSec = 7.2;
      a.reserve(41);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(OverloadedError);
    expect((refused as OverloadedError).retryAfterSec).toBe(8);
    expect((refused as OverloadedError).message).toContain('limit of 100');
    expect(a.openTasks).toBe(60);
    first();
    first();
    expect(a.openTasks).toBe(0);
  });

  it('counts work held elsewhere against the bound (Done tasks waiting for the purge)', () => {
    let waiting = 50;
    const a = new Admission({ bounds: { tasks: 100, stories: 10 }, drainSec: () => 0, backlogElsewhere: () => waiting });
    expect(() => a.reserve(51)).toThrow(/50 finished ones waiting to be purged/);
    waiting = 0;
    expect(() => a.reserve(51)).not.toThrow();
  });

  it('Retry-After stays between 1 and 60 seconds', () => {
    let drainSec = 0;
    const a = new Admission({ bounds: { tasks: 1, stories: 10 }, drainSec: () => drainSec });
    const retry = (drain: number) => {
      try {
        drainSec = drain;
        a.reserve(2);
      } catch (error) {
        return (error as OverloadedError).retryAfterSec;
      }
      return null;
    };
    expect(retry(0)).toBe(1);
    expect(retry(10_000)).toBe(60);
  });

  it('bounds Open stories too: many tiny stories are refused like a few big ones', () => {
    const a = new Admission({ bounds: { tasks: 100, stories: 2 }, drainSec: () => 0 });
    const first = a.reserve(1);
    a.hold(1); // a recovered story
    expect(a.openStories).toBe(2);
    expect(() => a.check(1)).toThrow(/2 open stories, its limit. Retry after 1 s/);
    expect(() => a.reserve(1)).toThrow(OverloadedError);
    expect([a.openTasks, a.openStories]).toEqual([2, 2]);
    first();
    first();
    expect([a.openTasks, a.openStories]).toEqual([1, 1]);
    expect(() => a.reserve(1)).not.toThrow();
  });

  it('tells its listeners of each refusal (a purge may make room), and admits everything once closed', () => {
    const a = new Admission({ bounds: { tasks: 1, stories: 10 }, drainSec: () => 0 });
    let refusals = 0;
    a.onRefused(() => refusals++);
    expect(() => a.check(2)).toThrow(OverloadedError);
    expect(() => a.reserve(2)).toThrow(OverloadedError);
    expect(refusals).toBe(2);
    a.close();
    expect(() => a.reserve(2)).not.toThrow();
    expect([a.openTasks, refusals]).toEqual([0, 2]);
  });

  describe('with a database of bounded room', () => {
    const done = { stories: 0, tasks: 0 };
    const room = (units: number) =>
      new Admission({
        bounds: { tasks: 10_000, stories: 100 },
        drainSec: () => 1,
        storage: { units, perStory: 4, storedDone: () => done, retryAfterSec: 30, remedy: 'Delete Done stories' },
      });

    it('admits a story only if it fits beside everything stored, Open and Done, a story counting 4 units besides its tasks', () => {
      Object.assign(done, { stories: 2, tasks: 20 });
      const a = room(100);
      // Stored: 20 Done tasks + 2 × 4 = 28; a story of 68 tasks needs 72 more: 100 exactly.
      const release = a.reserve(68);
      let refused: unknown;
      try {
        a.reserve(0);
      } catch (error) {
        refused = error;
      }
      expect(refused).toBeInstanceOf(OverloadedError);
      expect((refused as OverloadedError).message).toMatch(
        /The database is full: it holds 100 of the 100 task units .* Delete Done stories\. Retry after 31 s/,
      );
      // Retry-After: the backlog's drain (1 s) and then the purge's period.
      expect((refused as OverloadedError).retryAfterSec).toBe(31);
      // An Open story that finishes stays stored: it moves from held to Done and still takes its room.
      release();
      Object.assign(done, { stories: 3, tasks: 88 });
      expect(() => a.reserve(1)).toThrow(OverloadedError);
      // A purge frees it.
      Object.assign(done, { stories: 0, tasks: 0 });
      expect(() => a.reserve(95)).not.toThrow();
    });

    it('checks the room before reading a body, and tells its listeners (a purge may make room)', () => {
      Object.assign(done, { stories: 10, tasks: 960 });
      const a = room(1000);
      let told = 0;
      a.onRefused(() => told++);
      expect(() => a.check(1)).toThrow(/database is full/);
      expect(told).toBe(1);
      expect(a.openTasks).toBe(0);
    });
  });
});
