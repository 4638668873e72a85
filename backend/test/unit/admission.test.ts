import { describe, expect, it } from '@jest/globals';
import { Admission } from '../../src/processing/admission.js';
import { OverloadedError } from '../../src/shared/errors.js';

describe('Admission', () => {
  it('reserves up to the bound, refuses beyond with a Retry-After from the backlog, and releases once', () => {
    const a = new Admission({ tasks: 100, stories: 10 });
    const first = a.reserve(60, () => 0);
    expect(a.openTasks).toBe(60);
    let refused: unknown;
    try {
      a.reserve(41, () => 7.2);
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
    const a = new Admission({ tasks: 100, stories: 10 }, () => waiting);
    expect(() => a.reserve(51, () => 0)).toThrow(/50 finished ones waiting to be purged/);
    waiting = 0;
    expect(() => a.reserve(51, () => 0)).not.toThrow();
  });

  it('Retry-After stays between 1 and 60 seconds', () => {
    const a = new Admission({ tasks: 1, stories: 10 });
    const retry = (drain: number) => {
      try {
        a.reserve(2, () => drain);
      } catch (error) {
        return (error as OverloadedError).retryAfterSec;
      }
      return null;
    };
    expect(retry(0)).toBe(1);
    expect(retry(10_000)).toBe(60);
  });

  it('bounds Open stories too: many tiny stories are refused like a few big ones', () => {
    const a = new Admission({ tasks: 100, stories: 2 });
    const first = a.reserve(1, () => 0);
    a.hold(1); // a recovered story
    expect(a.openStories).toBe(2);
    expect(() => a.check(1, () => 0)).toThrow(/2 open stories, its limit. Retry after 1 s/);
    expect(() => a.reserve(1, () => 0)).toThrow(OverloadedError);
    expect([a.openTasks, a.openStories]).toEqual([2, 2]);
    first();
    first();
    expect([a.openTasks, a.openStories]).toEqual([1, 1]);
    expect(() => a.reserve(1, () => 0)).not.toThrow();
  });
});
