import { HttpClient, HttpErrorResponse, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type {
  ApiErrorBody,
  ApiErrorDetail,
  CreateStoryRequest,
  DeleteResultDto,
  HealthDto,
  StoryDto,
  StoryLimits,
  StoryListDto,
  StoryStatus,
} from '@storyflow/contracts';
import type { Observable } from 'rxjs';

export interface StoryListQuery {
  status: StoryStatus | null;
  page: number;
  limit: number;
}

/** The REST API of the backend (same origin). */
@Injectable({ providedIn: 'root' })
export class StoriesApi {
  private readonly http = inject(HttpClient);

  create(body: CreateStoryRequest): Observable<StoryDto> {
    return this.http.post<StoryDto>('/api/stories', body);
  }

  list(query: StoryListQuery): Observable<StoryListDto> {
    // Only status, page and limit: the server rejects unknown query parameters.
    let params = new HttpParams().set('page', query.page).set('limit', query.limit);
    if (query.status) params = params.set('status', query.status);
    return this.http.get<StoryListDto>('/api/stories', { params });
  }

  delete(id: string): Observable<DeleteResultDto> {
    return this.http.delete<DeleteResultDto>(`/api/stories/${encodeURIComponent(id)}`);
  }

  deleteAllDone(): Observable<DeleteResultDto> {
    return this.http.delete<DeleteResultDto>('/api/stories', { params: { status: 'Done' } });
  }

  health(): Observable<HealthDto> {
    return this.http.get<HealthDto>('/api/health');
  }

  /** The request limits the server validates with. */
  limits(): Observable<StoryLimits> {
    return this.http.get<StoryLimits>('/api/limits');
  }
}

/** A failed request as the UI shows it: one message and the field-level details. */
export interface ApiFailure {
  message: string;
  details: ApiErrorDetail[];
}

export function toApiFailure(error: unknown): ApiFailure {
  if (error instanceof HttpErrorResponse) {
    const body = error.error as Partial<ApiErrorBody> | null;
    if (body && typeof body === 'object' && body.error && typeof body.error.message === 'string') {
      return { message: body.error.message, details: Array.isArray(body.error.details) ? body.error.details : [] };
    }
    if (error.status === 0) return { message: 'The server cannot be reached.', details: [] };
    return { message: `Request failed (${error.status} ${error.statusText})`.trim(), details: [] };
  }
  return { message: error instanceof Error ? error.message : 'Request failed', details: [] };
}
