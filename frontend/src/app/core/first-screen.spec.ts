import { describe, expect, it, jest } from '@jest/globals';
import { ApplicationRef, Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { FirstScreen, LIVE_WITHIN_MS } from './first-screen';

@Component({ template: '<h1>Screen</h1>' })
class Screen {}

async function settled(promise: Promise<void>): Promise<boolean> {
  let done = false;
  void promise.then(() => (done = true));
  for (let i = 0; i < 5; i++) {
    TestBed.inject(ApplicationRef).tick();
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return done;
}

describe('FirstScreen', () => {
  it('is not shown before the first navigation, and is once it ended and rendered', async () => {
    TestBed.configureTestingModule({ providers: [provideRouter([{ path: 'stats', component: Screen }])] });
    const first = TestBed.inject(FirstScreen);
    expect(await settled(first.shown)).toBe(false);
    await TestBed.inject(Router).navigateByUrl('/stats');
    expect(await settled(first.shown)).toBe(true);
  });

  it('settles when the first screen’s code cannot be fetched: the shell does not wait for it', async () => {
    TestBed.configureTestingModule({
      providers: [provideRouter([{ path: 'stats', loadComponent: () => Promise.reject(new Error('offline')) }])],
    });
    const first = TestBed.inject(FirstScreen);
    await TestBed.inject(Router)
      .navigateByUrl('/stats')
      .catch(() => undefined);
    expect(await settled(first.shown)).toBe(true);
  });

  it('is live once the live feed says so, not before', async () => {
    TestBed.configureTestingModule({ providers: [provideRouter([{ path: 'stats', component: Screen }])] });
    const first = TestBed.inject(FirstScreen);
    first.reportLive();
    // Not before it is shown, even when the feed was quicker.
    expect(await settled(first.live)).toBe(false);
    await TestBed.inject(Router).navigateByUrl('/stats');
    expect(await settled(first.live)).toBe(true);
  });

  it('is live LIVE_WITHIN_MS after it was shown when the live feed never says so (the server may be down)', async () => {
    jest.useFakeTimers({ doNotFake: ['queueMicrotask'] });
    try {
      TestBed.configureTestingModule({ providers: [provideRouter([{ path: 'stats', component: Screen }])] });
      const first = TestBed.inject(FirstScreen);
      let shown = false;
      let live = false;
      void first.shown.then(() => (shown = true));
      void first.live.then(() => (live = true));
      const advance = async (ms: number) => {
        TestBed.inject(ApplicationRef).tick();
        await jest.advanceTimersByTimeAsync(ms);
      };
      await TestBed.inject(Router).navigateByUrl('/stats');
      for (let i = 0; i < 3; i++) await advance(0);
      expect([shown, live]).toEqual([true, false]);
      await advance(LIVE_WITHIN_MS - 1);
      expect(live).toBe(false);
      await advance(1);
      expect(live).toBe(true);
    } finally {
      jest.useRealTimers();
    }
  });
});
