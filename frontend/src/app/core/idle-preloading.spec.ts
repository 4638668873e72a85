import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { TestBed } from '@angular/core/testing';
import { of } from 'rxjs';
import { FirstScreen } from './first-screen';
import { IdlePreloading, deferredParts } from './idle-preloading';

describe('IdlePreloading', () => {
  let shown: () => void;

  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['queueMicrotask'] });
    TestBed.configureTestingModule({
      providers: [{ provide: FirstScreen, useValue: { shown: new Promise<void>((resolve) => (shown = resolve)) } }],
    });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('loads a screen and its deferred parts only after the first screen is shown and the browser idle', async () => {
    const load = jest.fn(() => of('screen'));
    const part = jest.fn(() => Promise.resolve('form'));
    let done = false;
    TestBed.inject(IdlePreloading)
      .preload({ path: 'stories', data: deferredParts(part) }, load)
      .subscribe({ complete: () => (done = true) });
    await jest.advanceTimersByTimeAsync(10_000);
    // However long it waits: nothing before the first screen is shown.
    expect([load.mock.calls.length, part.mock.calls.length]).toEqual([0, 0]);
    shown();
    await jest.advanceTimersByTimeAsync(1100);
    expect([load.mock.calls.length, part.mock.calls.length, done]).toEqual([1, 1, true]);
  });
});
