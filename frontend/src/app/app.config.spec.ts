import { provideHttpClientTesting, HttpTestingController } from '@angular/common/http/testing';
import { ApplicationInitStatus } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { DEFAULT_STORY_LIMITS } from '@storyflow/contracts';
import { appConfig } from './app.config';
import { FirstScreen } from './core/first-screen';
import { ServerLimits } from './core/limits';

describe('appConfig', () => {
  it('asks the server for its limits once the first screen is live and uses them once answered, without waiting for them', async () => {
    let live: () => void = () => undefined;
    const firstScreen = { live: new Promise<void>((resolve) => (live = resolve)) };
    TestBed.configureTestingModule({
      providers: [...appConfig.providers, provideHttpClientTesting(), { provide: FirstScreen, useValue: firstScreen }],
    });
    const http = TestBed.inject(HttpTestingController);
    const limits = TestBed.inject(ServerLimits);
    await TestBed.inject(ApplicationInitStatus).donePromise;
    // The first screen's own requests go first.
    http.expectNone('/api/limits');
    live();
    await firstScreen.live;
    const req = http.expectOne('/api/limits');
    // The app is up with the defaults while the request is pending.
    expect(limits.limits()).toEqual(DEFAULT_STORY_LIMITS);
    req.flush({ ...DEFAULT_STORY_LIMITS, maxTasks: 50 });
    expect(limits.limits().maxTasks).toBe(50);
    http.verify();
  });
});
