import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type {
  BulkActionRequest,
  BulkActionResultDto,
  CreateStoryRequest,
  DeleteResultDto,
  StoryBatchResultDto,
  StoryDto,
  StoryListDto,
  StoryStatus,
} from '@storyflow/contracts';
// A constant from a module without zod: the first screens load this API.
import { AUDITED_CREATE_HEADER, IDEMPOTENCY_KEY_HEADER } from '@storyflow/contracts/headers';
import { shareReplay, type Observable } from 'rxjs';
import { Clock } from './clock';
import { newIdempotencyKey } from './idempotency-key';

export interface StoryListQuery {
  status: StoryStatus | null;
  page: number;
  limit: number;
  /** A story id or text of titles; empty for all. */
  q: string;
}

/** A prefetched page older than this is not handed out: the list asks again. */
export const PREFETCH_FRESH_MS = 5000;

const listKey = (query: StoryListQuery) => JSON.stringify([query.status, query.page, query.limit, query.q.trim()]);

/** The stories REST API of the backend (same origin). */
@Injectable({ providedIn: 'root' })
export class StoriesApi {
  private readonly http = inject(HttpClient);
  private readonly clock = inject(Clock);
  private prefetched: { key: string; at: number; list$: Observable<StoryListDto> } | null = null;

  /**
   * Creates a story. `idempotencyKey` (a new one by default) makes a repeat of the same request safe: the
   * server answers it with the story the first one created, never a second one. `audited`: made by hand (the
   * story form), so the server's audit log records it (the generator's creates are not).
   */
  create(body: CreateStoryRequest, idempotencyKey: string = newIdempotencyKey(), audited = false): Observable<StoryDto> {
    const headers: Record<string, string> = { [IDEMPOTENCY_KEY_HEADER]: idempotencyKey };
    if (audited) headers[AUDITED_CREATE_HEADER] = 'form';
    return this.http.post<StoryDto>('/api/stories', body, { headers });
  }

  /** Creates many stories in one request: an answer per story (see POST /api/stories/batch); safe to repeat with its key. */
  createBatch(stories: CreateStoryRequest[], idempotencyKey: string = newIdempotencyKey()): Observable<StoryBatchResultDto> {
    return this.http.post<StoryBatchResultDto>(
      '/api/stories/batch',
      { stories },
      { headers: { [IDEMPOTENCY_KEY_HEADER]: idempotencyKey } },
    );
  }

  /**
   * Asks for a page now, before anything shows it (a screen whose code is still loading): the first `list()`
   * of the same query within PREFETCH_FRESH_MS gets this request's answer rather than asking again (or asks
   * again, if it failed).
   */
  prefetchList(query: StoryListQuery): void {
    const list$ = this.request(query).pipe(shareReplay({ bufferSize: 1, refCount: false }));
    // Sent now; an error is the consumer's to see (or nobody's).
    list$.subscribe({ error: () => undefined });
    this.prefetched = { key: listKey(query), at: this.clock.read(), list$ };
  }

  list(query: StoryListQuery): Observable<StoryListDto> {
    const prefetched = this.prefetched;
    this.prefetched = null;
    if (prefetched && prefetched.key === listKey(query) && this.clock.read() - prefetched.at < PREFETCH_FRESH_MS) return prefetched.list$;
    return this.request(query);
  }

  private request(query: StoryListQuery): Observable<StoryListDto> {
    // Only the parameters the server knows: it rejects unknown ones.
    let params = new HttpParams().set('page', query.page).set('limit', query.limit);
    if (query.status) params = params.set('status', query.status);
    if (query.q.trim() !== '') params = params.set('q', query.q.trim());
    return this.http.get<StoryListDto>('/api/stories', { params });
  }

  get(id: string): Observable<StoryDto> {
    return this.http.get<StoryDto>(`/api/stories/${encodeURIComponent(id)}`);
  }

  delete(id: string): Observable<DeleteResultDto> {
    return this.http.delete<DeleteResultDto>(`/api/stories/${encodeURIComponent(id)}`);
  }

  deleteAllDone(): Observable<DeleteResultDto> {
    return this.http.delete<DeleteResultDto>('/api/stories', { params: { status: 'Done' } });
  }

  /** A new story with the same task estimates. */
  rerun(id: string): Observable<StoryDto> {
    return this.http.post<StoryDto>(`/api/stories/${encodeURIComponent(id)}/rerun`, null);
  }

  bulk(request: BulkActionRequest): Observable<BulkActionResultDto> {
    return this.http.post<BulkActionResultDto>('/api/stories/bulk', request);
  }
}
