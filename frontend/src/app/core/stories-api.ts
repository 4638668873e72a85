import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type {
  BulkActionRequest,
  BulkActionResultDto,
  CreateStoryRequest,
  DeleteResultDto,
  StoryDto,
  StoryListDto,
  StoryStatus,
} from '@storyflow/contracts';
import type { Observable } from 'rxjs';

export interface StoryListQuery {
  status: StoryStatus | null;
  page: number;
  limit: number;
  /** A story id or text of titles; empty for all. */
  q: string;
}

/** The stories REST API of the backend (same origin). */
@Injectable({ providedIn: 'root' })
export class StoriesApi {
  private readonly http = inject(HttpClient);

  create(body: CreateStoryRequest): Observable<StoryDto> {
    return this.http.post<StoryDto>('/api/stories', body);
  }

  list(query: StoryListQuery): Observable<StoryListDto> {
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
