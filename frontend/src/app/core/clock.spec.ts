import { jest } from '@jest/globals';
import { TestBed } from '@angular/core/testing';
import { Clock, WallClock } from './clock';

describe('Clock', () => {
  const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

  beforeEach(() => jest.useFakeTimers({ now: T0 + 200 }));
  afterEach(() => jest.useRealTimers());

  it('is one wall clock for the whole app', () => {
    const clock = TestBed.inject(Clock);
    expect(clock).toBeInstanceOf(WallClock);
    expect(TestBed.inject(Clock)).toBe(clock);
  });

  it('ticks on each second of the wall clock, not a second after it started', () => {
    const clock = TestBed.inject(Clock);
    expect(clock.now()).toBe(T0 + 200);
    jest.advanceTimersByTime(799);
    expect(clock.now()).toBe(T0 + 200);
    jest.advanceTimersByTime(1);
    expect(clock.now()).toBe(T0 + 1000);
    jest.advanceTimersByTime(1000);
    expect(clock.now()).toBe(T0 + 2000);
    // Between ticks, read() has the exact time; `now` keeps the second's.
    jest.advanceTimersByTime(300);
    expect(clock.read()).toBe(T0 + 2300);
    expect(clock.now()).toBe(T0 + 2000);
  });

  it('takes up the second again after a late tick', () => {
    const clock = TestBed.inject(Clock);
    jest.advanceTimersByTime(800);
    expect(clock.now()).toBe(T0 + 1000);
    // The wall clock moves 400 ms more than the timers do (a busy main thread): the next tick is late...
    jest.setSystemTime(T0 + 1400);
    jest.advanceTimersByTime(1000);
    expect(clock.now()).toBe(T0 + 2400);
    // ...and the one after it is on the second again, not 1000 ms later.
    jest.advanceTimersByTime(599);
    expect(clock.now()).toBe(T0 + 2400);
    jest.advanceTimersByTime(1);
    expect(clock.now()).toBe(T0 + 3000);
  });

  it('keeps a single timer, cleared with the app', () => {
    const clock = TestBed.inject(Clock);
    jest.advanceTimersByTime(5000);
    expect(jest.getTimerCount()).toBe(1);
    TestBed.resetTestingModule();
    expect(jest.getTimerCount()).toBe(0);
    const before = clock.now();
    jest.advanceTimersByTime(5000);
    expect(clock.now()).toBe(before);
  });
});
