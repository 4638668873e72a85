import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { TestBed } from '@angular/core/testing';
import { of } from 'rxjs';
import { FirstScreen } from './first-screen';
import { IdlePreloading, deferredParts, withParts } from './idle-preloading';

describe('IdlePreloading', () => {
  let live: () => void;

  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['queueMicrotask'] });
    TestBed.configureTestingModule({
      providers: [{ provide: FirstScreen, useValue: { live: new Promise<void>((resolve) => (live = resolve)) } }],
    });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('loads a screen and its deferred parts only after the first screen is live and the browser idle', async () => {
    const load = jest.fn(() => of('screen'));
    const part = jest.fn(() => Promise.resolve('form'));
    let done = false;
    TestBed.inject(IdlePreloading)
      .preload({ path: 'stories', data: deferredParts(part) }, load)
      .subscribe({ complete: () => (done = true) });
    await jest.advanceTimersByTimeAsync(10_000);
    // However long it waits: nothing before the first screen is live.
    expect([load.mock.calls.length, part.mock.calls.length]).toEqual([0, 0]);
    live();
    await jest.advanceTimersByTimeAsync(1100);
    expect([load.mock.calls.length, part.mock.calls.length, done]).toEqual([1, 1, true]);
  });

  it('withParts fetches the parts beside the screen and hands over the screen alone', async () => {
    const part = jest.fn(() => Promise.reject(new Error('offline')));
    const screen = withParts(Promise.resolve('screen'), part);
    expect(part).toHaveBeenCalledTimes(1);
    // A part that fails is not the screen's failure (the block that shows it reports it).
    await expect(screen).resolves.toBe('screen');
  });
});
