import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type { StoryListDto } from '@storyflow/contracts';
import { PREFETCH_FRESH_MS, StoriesApi, type StoryListQuery } from './stories-api';

const FIRST: StoryListQuery = { status: null, page: 1, limit: 20, q: '' };
const PAGE: StoryListDto = { items: [], total: 0, page: 1, limit: 20, counts: { all: 0, Open: 0, Done: 0 } };

describe('StoriesApi: a page asked for ahead (prefetchList)', () => {
  let api: StoriesApi;
  let http: HttpTestingController;

  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['queueMicrotask'] });
    TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting()] });
    api = TestBed.inject(StoriesApi);
    http = TestBed.inject(HttpTestingController);
  });
  afterEach(() => {
    http.verify();
    jest.useRealTimers();
  });

  const matching = () => http.match((r) => r.url === '/api/stories');

  it('sends the request at once and hands its answer to the first list() of the same query, once', () => {
    api.prefetchList(FIRST);
    const sent = matching();
    expect(sent).toHaveLength(1);
    expect(sent[0].request.params.toString()).toBe('page=1&limit=20');
    const got: StoryListDto[] = [];
    api.list(FIRST).subscribe((list) => got.push(list));
    // No second request: the prefetched one answers.
    expect(matching()).toHaveLength(0);
    sent[0].flush(PAGE);
    expect(got).toEqual([PAGE]);

    // Taken: the next list() asks again.
    api.list(FIRST).subscribe();
    expect(matching()).toHaveLength(1);
  });

  it('asks again for another query, or when the prefetched page is older than PREFETCH_FRESH_MS', () => {
    api.prefetchList(FIRST);
    matching()[0].flush(PAGE);
    api.list({ ...FIRST, status: 'Done' }).subscribe();
    const other = matching();
    expect(other.map((r) => r.request.params.get('status'))).toEqual(['Done']);
    other[0].flush(PAGE);

    api.prefetchList(FIRST);
    matching()[0].flush(PAGE);
    jest.advanceTimersByTime(PREFETCH_FRESH_MS);
    api.list(FIRST).subscribe();
    expect(matching()).toHaveLength(1);
  });

  it('asks again when the prefetched request failed', () => {
    api.prefetchList(FIRST);
    matching()[0].flush({ error: { code: 'unavailable', message: 'down', details: [] } }, { status: 503, statusText: 'Unavailable' });
    const got: StoryListDto[] = [];
    api.list(FIRST).subscribe((list) => got.push(list));
    matching()[0].flush(PAGE);
    expect(got).toEqual([PAGE]);
  });
});
