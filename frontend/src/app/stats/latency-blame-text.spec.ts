import { describe, expect, it } from '@jest/globals';
import type { StoryPhases } from '@storyflow/contracts/latency-blame';
import type { StatsSample } from '@storyflow/contracts/stats';
import { statsSample } from '../testing/stats-sample';
import { blameText, latencyBlameTexts, poolAtLimit, rangeBlame } from './latency-blame-text';

/** Second `sec` with `count` stories Done, the slowest of them with these phases. */
const second = (sec: number, count: number, slowStories?: StoryPhases[], over: Partial<StatsSample> = {}): StatsSample =>
  statsSample(sec, { latency: { count, p50: 10, p95: 20, p99: 30, buckets: [] }, ...(slowStories ? { slowStories } : {}), ...over });

describe('latency blame text', () => {
  it('says which phase took most of the slowest stories’ time, and how much of it', () => {
    // 1,000 stories: the slowest 1 % is 10, the most a second keeps.
    const slow: StoryPhases[] = Array.from({ length: 10 }, () => [170, 20, 10]);
    expect(blameText(rangeBlame([second(0, 1000, slow)]))).toBe('slowest 1 %: 85 % waiting for a worker');
    expect(
      blameText(
        rangeBlame([
          second(
            0,
            1000,
            slow.map(([w, r, c]) => [r, w, c]),
          ),
        ]),
      ),
    ).toBe('slowest 1 %: 85 % running their tasks');
    expect(
      blameText(
        rangeBlame([
          second(
            0,
            1000,
            slow.map(([w, r, c]) => [c, r, w]),
          ),
        ]),
      ),
    ).toBe('slowest 1 %: 85 % waiting for their commit (database)');
  });

  it('says how many stories it is about when that is not the slowest 1 %', () => {
    // Fewer than 100 stories: the slowest one.
    expect(blameText(rangeBlame([second(0, 40, [[0, 90, 10]])]))).toBe('slowest story: 90 % running their tasks');
    // 250 stories: 1 % is 3 of them.
    expect(
      blameText(
        rangeBlame([
          second(0, 250, [
            [0, 9, 1],
            [0, 9, 1],
            [0, 9, 1],
            [0, 9, 1],
          ]),
        ]),
      ),
    ).toBe('slowest 1 %: 90 % running their tasks');
    // 5,000 stories, but phases of 10 at most: the slowest 10.
    expect(
      blameText(
        rangeBlame([
          second(
            0,
            5000,
            Array.from({ length: 10 }, () => [0, 9, 1] as StoryPhases),
          ),
        ]),
      ),
    ).toBe('slowest 10 stories: 90 % running their tasks');
    // 300 stories, the seconds kept phases of 2 only (others came from a server without them).
    expect(
      blameText(
        rangeBlame([
          second(0, 300, [
            [0, 9, 1],
            [0, 9, 1],
          ]),
        ]),
      ),
    ).toBe('slowest 2 stories: 90 % running their tasks');
  });

  it('claims nothing when no phase is known, or they took no time', () => {
    expect(blameText(rangeBlame([]))).toBeNull();
    expect(blameText(rangeBlame([second(0, 100)]))).toBeNull();
    expect(blameText(rangeBlame([second(0, 100, [])]))).toBeNull();
    expect(blameText(rangeBlame([second(0, 1, [[0, 0, 0]])]))).toBeNull();
  });

  it('merges the seconds of a window: their slowest stories, of all the stories Done in them', () => {
    const samples = [
      second(0, 150, [
        [900, 50, 50],
        [10, 10, 10],
      ]),
      statsSample(1),
      second(2, 50, [
        [100, 800, 100],
        [5, 5, 5],
      ]),
    ];
    const { blame, count } = rangeBlame(samples);
    expect(count).toBe(200);
    // 1 % of 200: the slowest 2 (1,000 ms each), of two different seconds.
    expect(blame).toEqual({ stories: 2, waitingMs: 1000, runningMs: 850, committingMs: 150, dominant: 'waiting', share: 0.5 });
  });

  it('names the pool when the slow stories waited for a worker and the pool is at its limit', () => {
    const waited: StoryPhases[] = [[850, 100, 50]];
    expect(blameText(rangeBlame([second(0, 10, waited)]), 20)).toBe('slowest story: 85 % waiting for a worker, pool at its limit of 20');
    // Not when another phase dominates: the pool is not why.
    expect(blameText(rangeBlame([second(0, 10, [[100, 850, 50]])]), 20)).toBe('slowest story: 85 % running their tasks');
    expect(blameText(rangeBlame([second(0, 10, waited)]), null)).toBe('slowest story: 85 % waiting for a worker');
  });

  it('finds the pool at its limit: each instance’s maximum times the instances', () => {
    expect(poolAtLimit(statsSample(0, { poolSize: 20 }), 20)).toBe(20);
    expect(poolAtLimit(statsSample(0, { poolSize: 19 }), 20)).toBeNull();
    expect(poolAtLimit(statsSample(0, { poolSize: 20 }), undefined)).toBeNull();
    expect(poolAtLimit(undefined, 20)).toBeNull();
    const instance = { poolSize: 20, busyWorkers: 20, backlogTasks: 0, lastSeen: 0 };
    const cluster = (poolSize: number) =>
      statsSample(0, {
        poolSize,
        instances: [
          { ...instance, id: 'a' },
          { ...instance, id: 'b' },
          { ...instance, id: 'c' },
        ],
      });
    expect(poolAtLimit(cluster(60), 20)).toBe(60);
    expect(poolAtLimit(cluster(40), 20)).toBeNull();
    expect(poolAtLimit(statsSample(0, { poolSize: 20, instances: [] }), 20)).toBe(20);
  });

  it('gives the latency card the latest second’s blame and the window’s, the pool as the latest second found it', () => {
    const samples = [
      second(0, 100, [[600, 300, 100]]),
      second(1, 100, [[300, 50, 50]]),
      // The latest second: no story finished in it, the pool at its limit.
      statsSample(2, { poolSize: 20 }),
    ];
    expect(latencyBlameTexts(samples, 20)).toEqual({
      second: 'slowest 1 %: 75 % waiting for a worker, pool at its limit of 20',
      // 1 % of 200: both, 900 of 1,400 ms waiting.
      window: 'slowest 1 %: 64 % waiting for a worker, pool at its limit of 20',
    });
    expect(latencyBlameTexts([...samples.slice(0, 2), statsSample(2, { poolSize: 12 })], 20)).toEqual({
      second: 'slowest 1 %: 75 % waiting for a worker',
      window: 'slowest 1 %: 64 % waiting for a worker',
    });
    expect(latencyBlameTexts([statsSample(0)], 20)).toEqual({ second: null, window: null });
  });
});
