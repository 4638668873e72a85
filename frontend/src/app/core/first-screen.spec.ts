import { describe, expect, it } from '@jest/globals';
import { ApplicationRef, Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { FirstScreen } from './first-screen';

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
});
