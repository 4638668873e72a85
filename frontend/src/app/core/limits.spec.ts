import { jest } from '@jest/globals';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { DEFAULT_STORY_LIMITS, type StoryLimits } from '@storyflow/contracts';
import { TokenStore } from './access/token-store';
import { ServerLimits, isStoryLimits } from './limits';

describe('ServerLimits', () => {
  let http: HttpTestingController;
  let service: ServerLimits;

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting()] });
    http = TestBed.inject(HttpTestingController);
    service = TestBed.inject(ServerLimits);
  });

  afterEach(() => http.verify());

  it('starts with the defaults and asks for nothing until loaded', () => {
    expect(service.limits()).toEqual(DEFAULT_STORY_LIMITS);
    http.expectNone('/api/limits');
  });

  it("replaces the defaults with the server's limits, fetched once", () => {
    const custom: StoryLimits = { minTasks: 2, maxTasks: 50, minEstimateMs: 5, maxEstimateMs: 1_000, maxTitleLength: 40 };
    service.load();
    service.load();
    const req = http.expectOne('/api/limits');
    expect(req.request.method).toBe('GET');
    req.flush(custom);
    expect(service.limits()).toEqual(custom);
    service.load();
    http.expectNone('/api/limits');
  });

  it('keeps the defaults while the request fails, and tries again with growing pauses', () => {
    jest.useFakeTimers();
    try {
      service.load();
      http.expectOne('/api/limits').flush('down', { status: 502, statusText: 'Bad Gateway' });
      expect(service.limits()).toEqual(DEFAULT_STORY_LIMITS);
      jest.advanceTimersByTime(999);
      http.expectNone('/api/limits');
      jest.advanceTimersByTime(1);
      http.expectOne('/api/limits').flush('down', { status: 503, statusText: 'Service Unavailable' });
      jest.advanceTimersByTime(1999);
      http.expectNone('/api/limits');
      jest.advanceTimersByTime(1);
      const custom: StoryLimits = { ...DEFAULT_STORY_LIMITS, maxTasks: 50 };
      http.expectOne('/api/limits').flush(custom);
      expect(service.limits()).toEqual(custom);
      jest.advanceTimersByTime(120_000);
      http.expectNone('/api/limits');
    } finally {
      jest.useRealTimers();
    }
  });

  it('asks again when the token changes (the first answer may have been a 401), not before loading', () => {
    const tokens = TestBed.inject(TokenStore);
    tokens.set('before-load');
    TestBed.tick();
    http.expectNone('/api/limits');
    service.load();
    http.expectOne('/api/limits').flush('', { status: 401, statusText: 'Unauthorized' });
    tokens.set('operator-token');
    TestBed.tick();
    const custom: StoryLimits = { ...DEFAULT_STORY_LIMITS, maxTasks: 50 };
    http.expectOne('/api/limits').flush(custom);
    expect(service.limits()).toEqual(custom);
    tokens.forget();
    TestBed.tick();
    http.expectOne('/api/limits').flush(DEFAULT_STORY_LIMITS);
  });

  it('keeps the defaults when the answer is not a set of limits', () => {
    service.load();
    http.expectOne('/api/limits').flush({ maxTasks: 50 });
    expect(service.limits()).toEqual(DEFAULT_STORY_LIMITS);
  });

  it('accepts only coherent limits', () => {
    expect(isStoryLimits(DEFAULT_STORY_LIMITS)).toBe(true);
    expect(isStoryLimits(null)).toBe(false);
    expect(isStoryLimits({ ...DEFAULT_STORY_LIMITS, maxTasks: '50' })).toBe(false);
    expect(isStoryLimits({ ...DEFAULT_STORY_LIMITS, maxTasks: 1.5 })).toBe(false);
    expect(isStoryLimits({ ...DEFAULT_STORY_LIMITS, minTasks: 10, maxTasks: 5 })).toBe(false);
    expect(isStoryLimits({ ...DEFAULT_STORY_LIMITS, minEstimateMs: -1 })).toBe(false);
  });
});
