import { HttpClient, HttpContext, HttpHeaders } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { AccessDto, HealthDto, InfoDto } from '@storyflow/contracts/api';
import type { ProcessingDto } from '@storyflow/contracts/story';
import type { StoryLimits } from '@storyflow/contracts/limits';
import { AccessSchema, InfoSchema, ProcessingSchema } from '@storyflow/contracts/responses';
import { StatsHistorySchema, type HistoryRange, type StatsHistoryDto } from '@storyflow/contracts/stats';
import { map, type Observable } from 'rxjs';
import { OWN_AUTHORIZATION, QUIET_REFUSAL } from './access/auth-interceptor';

/**
 * The server's own endpoints (health, limits, access, info, processing, history). Answers the shell
 * depends on are parsed with the contract's schemas: a malformed one fails like a failed request.
 */
@Injectable({ providedIn: 'root' })
export class ServerApi {
  private readonly http = inject(HttpClient);

  health(): Observable<HealthDto> {
    return this.http.get<HealthDto>('/api/health');
  }

  /** The request limits the server validates with. */
  limits(): Observable<StoryLimits> {
    return this.http.get<StoryLimits>('/api/limits');
  }

  /**
   * What the stored token (or `candidate`, a token being tried) allows. Its 401 is the answer, not an
   * event to report: the interceptor stays quiet about it.
   */
  access(candidate?: string): Observable<AccessDto> {
    let context = new HttpContext().set(QUIET_REFUSAL, true);
    let headers = new HttpHeaders();
    if (candidate !== undefined) {
      context = context.set(OWN_AUTHORIZATION, true);
      headers = headers.set('Authorization', `Bearer ${candidate}`);
    }
    return this.http.get<unknown>('/api/access', { context, headers }).pipe(map((body) => AccessSchema.parse(body)));
  }

  info(): Observable<InfoDto> {
    return this.http.get<unknown>('/api/info').pipe(map((body) => InfoSchema.parse(body)));
  }

  processing(): Observable<ProcessingDto> {
    return this.http.get<unknown>('/api/processing').pipe(map((body) => ProcessingSchema.parse(body)));
  }

  setPaused(paused: boolean): Observable<ProcessingDto> {
    return this.http.put<unknown>('/api/processing', { paused }).pipe(map((body) => ProcessingSchema.parse(body)));
  }

  history(range: HistoryRange): Observable<StatsHistoryDto> {
    return this.http.get<unknown>('/api/stats/history', { params: { range } }).pipe(map((body) => StatsHistorySchema.parse(body)));
  }
}
