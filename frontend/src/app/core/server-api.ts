import { HttpClient, HttpContext, HttpHeaders } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { AccessDto, HealthDto, InfoDto } from '@storyflow/contracts/api';
import type { ProcessingDto } from '@storyflow/contracts/story';
import type { StoryLimits } from '@storyflow/contracts/limits';
import type { HistoryRange } from '@storyflow/contracts/realtime';
import type { StatsHistoryDto } from '@storyflow/contracts/stats';
import { from, map, mergeMap, type Observable } from 'rxjs';
import { parseAccess } from './access/access-answer';
import { OWN_AUTHORIZATION, QUIET_REFUSAL } from './access/auth-interceptor';
import { FirstScreen } from './first-screen';

type Schemas = typeof import('./response-schemas');

/**
 * The server's own endpoints (health, limits, access, info, processing, history). Answers the shell
 * depends on are parsed with the contract's schemas: a malformed one fails like a failed request. The
 * schemas (and zod with them) load once the first screen is live (see FirstScreen), and the reads wait for
 * them: on a phone's network the first screen's own requests go first.
 */
@Injectable({ providedIn: 'root' })
export class ServerApi {
  private readonly http = inject(HttpClient);
  private readonly firstScreen = inject(FirstScreen);
  private schemas: Promise<Schemas> | null = null;

  /**
   * `body$` parsed by the schema `pick` chooses. A read is sent once the schemas are loaded (nothing is asked
   * before the first screen is live); a change (`sendNow`) at once, its answer parsed when they are.
   */
  private parsed<T>(body$: Observable<unknown>, pick: (schemas: Schemas) => { parse(body: unknown): T }, sendNow = false): Observable<T> {
    const schemas = (this.schemas ??= this.firstScreen.live.then(() => import('./response-schemas')));
    if (sendNow) return body$.pipe(mergeMap((body) => from(schemas.then((s) => pick(s).parse(body)))));
    return from(schemas).pipe(mergeMap((s) => body$.pipe(map((body) => pick(s).parse(body)))));
  }

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
    return this.http.get<unknown>('/api/access', { context, headers }).pipe(map(parseAccess));
  }

  info(): Observable<InfoDto> {
    return this.parsed(this.http.get<unknown>('/api/info'), (s) => s.InfoSchema);
  }

  processing(): Observable<ProcessingDto> {
    return this.parsed(this.http.get<unknown>('/api/processing'), (s) => s.ProcessingSchema);
  }

  setPaused(paused: boolean): Observable<ProcessingDto> {
    return this.parsed(this.http.put<unknown>('/api/processing', { paused }), (s) => s.ProcessingSchema, true);
  }

  history(range: HistoryRange): Observable<StatsHistoryDto> {
    return this.parsed(this.http.get<unknown>('/api/stats/history', { params: { range } }), (s) => s.StatsHistorySchema);
  }
}
