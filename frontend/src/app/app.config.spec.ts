import { provideHttpClientTesting, HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { DEFAULT_STORY_LIMITS } from '@storyflow/contracts';
import { appConfig } from './app.config';
import { ServerLimits } from './core/limits';

describe('appConfig', () => {
  it('asks the server for its limits at start and uses them once answered, without waiting for them', () => {
    TestBed.configureTestingModule({ providers: [...appConfig.providers, provideHttpClientTesting()] });
    const http = TestBed.inject(HttpTestingController);
    const limits = TestBed.inject(ServerLimits);
    const req = http.expectOne('/api/limits');
    // The app is up with the defaults while the request is pending.
    expect(limits.limits()).toEqual(DEFAULT_STORY_LIMITS);
    req.flush({ ...DEFAULT_STORY_LIMITS, maxTasks: 50 });
    expect(limits.limits().maxTasks).toBe(50);
    http.verify();
  });
});
