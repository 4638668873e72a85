import { DEFAULT_STORY_LIMITS } from '@storyflow/contracts';
import {
  DEFAULT_GENERATOR_SETTINGS,
  drawStory,
  expectedRate,
  storiesDue,
  nextDelay,
  parseStoredSettings,
  randomInt,
  validateSettings,
  type RandomSource,
} from './generator-plan';

/** A deterministic source cycling through the given values. */
function sequence(...values: number[]): RandomSource {
  let i = 0;
  return () => values[i++ % values.length] ?? 0;
}

/** Small seeded PRNG (mulberry32) for distribution checks. */
function seeded(seed: number): RandomSource {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('generator plan', () => {
  it('draws integers uniformly over the inclusive range', () => {
    const range = { min: 50, max: 100 };
    expect(randomInt(() => 0, range)).toBe(50);
    expect(randomInt(() => 0.999999, range)).toBe(100);
    expect(randomInt(() => 1, range)).toBe(100); // a source returning 1 stays in range
    expect(randomInt(() => 0.5, { min: 7, max: 7 })).toBe(7);
  });

  it('uses the original defaults: 50–100 ms, 20–80 tasks of 10–20 ms', () => {
    const random = seeded(42);
    const delays = Array.from({ length: 2000 }, () => nextDelay(random, DEFAULT_GENERATOR_SETTINGS));
    expect(Math.min(...delays)).toBe(50);
    expect(Math.max(...delays)).toBe(100);
    const mean = delays.reduce((a, b) => a + b, 0) / delays.length;
    expect(mean).toBeGreaterThan(72);
    expect(mean).toBeLessThan(78);

    for (let i = 0; i < 50; i++) {
      const story = drawStory(random, DEFAULT_GENERATOR_SETTINGS);
      expect(story.tasks.length).toBeGreaterThanOrEqual(20);
      expect(story.tasks.length).toBeLessThanOrEqual(80);
      for (const task of story.tasks) {
        expect(task.estimate).toBeGreaterThanOrEqual(10);
        expect(task.estimate).toBeLessThanOrEqual(20);
        expect(Number.isInteger(task.estimate)).toBe(true);
      }
    }
  });

  it('draws the task count first, then one estimate per task, from the injected source', () => {
    const story = drawStory(sequence(0, 0, 0.99, 0.5), { ...DEFAULT_GENERATOR_SETTINGS, tasks: { min: 3, max: 3 } }, 'sim');
    expect(story).toEqual({ title: 'sim', tasks: [{ estimate: 10 }, { estimate: 20 }, { estimate: 15 }] });
  });

  it('bodies match the shared request schema (explicit tasks, no title unless given)', () => {
    const story = drawStory(seeded(1), DEFAULT_GENERATOR_SETTINGS);
    expect(Object.keys(story)).toEqual(['tasks']);
  });

  it('states the rate the pauses allow: one story per mean pause (short ones go out in batches)', () => {
    expect(expectedRate(DEFAULT_GENERATOR_SETTINGS)).toBeCloseTo(13.33, 1);
    const pauses = (min: number, max: number) => ({ ...DEFAULT_GENERATOR_SETTINGS, intervalMs: { min, max } });
    expect(expectedRate(pauses(1, 1))).toBe(1000);
    expect(expectedRate(pauses(1, 7))).toBe(250);
    expect(expectedRate(pauses(100, 100))).toBe(10);
    // Never negative, never infinite: invalid pauses allow nothing.
    expect(expectedRate(pauses(-50, -10))).toBe(0);
    expect(expectedRate(pauses(Number.NaN, 10))).toBe(0);
    expect(expectedRate(pauses(20, 10))).toBe(0);
  });

  it('counts the stories due on the schedule, at most a batch, and restarts a schedule far behind', () => {
    const pauses = (min: number, max: number) => ({ ...DEFAULT_GENERATOR_SETTINGS, intervalMs: { min, max } });
    const one = () => 0;
    // Due at 100, then every 1 ms: 100..119 are due at 119.
    expect(storiesDue(one, pauses(1, 1), 100, 119, 100)).toEqual({ count: 20, nextDueAt: 120 });
    expect(storiesDue(one, pauses(50, 50), 100, 99, 100)).toEqual({ count: 0, nextDueAt: 100 });
    expect(storiesDue(one, pauses(1, 1), 0, 50, 10)).toEqual({ count: 10, nextDueAt: 10 });
    // A background tab woken 10 s late: one batch, then the schedule goes on from now.
    expect(storiesDue(one, pauses(1, 1), 0, 10_000, 100)).toEqual({ count: 100, nextDueAt: 10_001 });
  });

  it("validates each field against the story limits, in the panel's words", () => {
    expect(validateSettings(DEFAULT_GENERATOR_SETTINGS, DEFAULT_STORY_LIMITS)).toEqual([]);
    const bad = {
      intervalMs: { min: 100, max: 50 },
      tasks: { min: 0, max: 5 },
      estimateMs: { min: Number.NaN, max: 5.5 },
    };
    expect(validateSettings(bad, DEFAULT_STORY_LIMITS)).toEqual([
      { key: 'intervalMs', bound: 'max', message: 'Pause between stories: max must be at least min (100)' },
      { key: 'tasks', bound: 'min', message: 'Tasks per story, min: must be from 1 to 1000' },
      { key: 'estimateMs', bound: 'min', message: 'Task estimate, min: enter a number' },
      { key: 'estimateMs', bound: 'max', message: 'Task estimate, max: enter a whole number' },
    ]);
    expect(validateSettings({ ...DEFAULT_GENERATOR_SETTINGS, intervalMs: { min: -5, max: 10 } }, DEFAULT_STORY_LIMITS)).toEqual([
      { key: 'intervalMs', bound: 'min', message: 'Pause between stories, min: must be from 1 to 60000' },
    ]);
  });

  it('reads back only complete stored settings', () => {
    expect(parseStoredSettings(JSON.stringify(DEFAULT_GENERATOR_SETTINGS))).toEqual(DEFAULT_GENERATOR_SETTINGS);
    expect(parseStoredSettings(null)).toBeNull();
    expect(parseStoredSettings('{not json')).toBeNull();
    expect(parseStoredSettings(JSON.stringify({ intervalMs: { min: 1, max: 2 } }))).toBeNull();
    expect(parseStoredSettings(JSON.stringify({ ...DEFAULT_GENERATOR_SETTINGS, tasks: { min: '1', max: 2 } }))).toBeNull();
  });
});
