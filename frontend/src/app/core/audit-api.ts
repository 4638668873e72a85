import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
// Only the audit screen (a lazy route) uses this client: the schema and zod load with it.
import { AuditPageSchema, type AuditAction, type AuditPageDto } from '@storyflow/contracts/audit';
import { map, type Observable } from 'rxjs';

export interface AuditPageQuery {
  action: AuditAction | null;
  /** The `next` of the newer page; null for the newest entries. */
  before: string | null;
  limit: number;
}

/** GET /api/audit (operator role): the operator actions, newest first, a page at a time. */
@Injectable({ providedIn: 'root' })
export class AuditApi {
  private readonly http = inject(HttpClient);

  /** A page, parsed with the contract's schema: a malformed answer fails like a failed request. */
  page(query: AuditPageQuery): Observable<AuditPageDto> {
    // Only the parameters the server knows: it rejects unknown ones.
    let params = new HttpParams().set('limit', query.limit);
    if (query.action) params = params.set('action', query.action);
    if (query.before) params = params.set('before', query.before);
    return this.http.get<unknown>('/api/audit', { params }).pipe(map((body) => AuditPageSchema.parse(body)));
  }
}
