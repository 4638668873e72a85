import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed, toObservable, toSignal } from '@angular/core/rxjs-interop';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { AUDIT_ACTIONS, type AuditAction, type AuditEntryDto, type AuditPageDto } from '@storyflow/contracts/audit';
import { PAGE_LIMIT_DEFAULT } from '@storyflow/contracts/limits';
import { catchError, map, of, switchMap, tap } from 'rxjs';
import { TokenPrompt } from '../core/access/token-prompt';
import { TokenStore } from '../core/access/token-store';
import { toApiFailure, type ApiFailure } from '../core/api-failure';
import { AuditApi } from '../core/audit-api';
import { ACTION_WORDS, outcomeWords, targetSummary, whoWords } from './audit-format';
import { DEFAULT_AUDIT_QUERY, readAuditQuery, toAuditParams, type AuditQuery } from './audit-query';

/**
 * The audit log: what operators did (created by hand, deleted, ran again, paused…), newest first, with the
 * action filter and the page's cursor in the URL. A page's rows stay until the next page is there: nothing
 * moves under the pointer while it loads.
 */
@Component({
  selector: 'sf-audit-page',
  imports: [DatePipe, RouterLink],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './audit-page.html',
  styleUrl: './audit-page.css',
})
export class AuditPage {
  private readonly api = inject(AuditApi);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);
  private readonly prompt = inject(TokenPrompt);

  protected readonly actions = AUDIT_ACTIONS;
  protected readonly words = ACTION_WORDS;
  protected readonly query = toSignal(this.route.queryParamMap.pipe(map(readAuditQuery)), { initialValue: DEFAULT_AUDIT_QUERY });
  private readonly reloads = signal(0);
  protected readonly result = signal<AuditPageDto | null>(null);
  protected readonly loading = signal(true);
  protected readonly error = signal<ApiFailure | null>(null);
  /** 401 or 403: this dashboard's token may not read the log (a viewer). */
  protected readonly refused = computed(() => {
    const status = this.error()?.status;
    return status === 401 || status === 403;
  });
  protected readonly rows = computed(() => (this.result()?.items ?? []).map((entry) => this.row(entry)));
  protected readonly emptyText = computed(() => {
    if (this.loading() && !this.error()) return 'Loading…';
    if (!this.result()) return 'Not loaded: see above.';
    const { action, before } = this.query();
    if (before) return 'No older entries.';
    return action ? `No “${ACTION_WORDS[action]}” recorded yet.` : 'No operator action recorded yet.';
  });

  constructor() {
    toObservable(computed(() => ({ query: this.query(), reload: this.reloads() })))
      .pipe(
        tap(() => this.loading.set(true)),
        switchMap(({ query }) =>
          this.api.page({ action: query.action, before: query.before, limit: PAGE_LIMIT_DEFAULT }).pipe(
            map((page) => ({ ok: true as const, page })),
            catchError((error: unknown) => of({ ok: false as const, failure: toApiFailure(error) })),
          ),
        ),
        takeUntilDestroyed(),
      )
      .subscribe((res) => {
        this.loading.set(false);
        if (!res.ok) {
          this.error.set(res.failure);
          // A refusal shows no rows of another token's page.
          if (res.failure.status === 401 || res.failure.status === 403) this.result.set(null);
          return;
        }
        this.error.set(null);
        this.result.set(res.page);
      });
    // A new token (a viewer becoming operator): load again with it.
    inject(TokenStore)
      .changed$.pipe(takeUntilDestroyed())
      .subscribe(() => this.reload());
  }

  protected reload(): void {
    this.reloads.update((n) => n + 1);
  }

  protected setAction(value: string): void {
    const action = (AUDIT_ACTIONS as readonly string[]).includes(value) ? (value as AuditAction) : null;
    this.navigate({ action, before: null });
  }

  protected older(): void {
    const next = this.result()?.next;
    if (next) this.navigate({ ...this.query(), before: next });
  }

  protected newest(): void {
    if (this.query().before) this.navigate({ ...this.query(), before: null });
  }

  protected askToken(): void {
    void this.prompt.open('operator');
  }

  private navigate(query: AuditQuery): void {
    void this.router.navigate([], { relativeTo: this.route, queryParams: toAuditParams(query) });
  }

  private row(entry: AuditEntryDto) {
    return {
      entry,
      action: ACTION_WORDS[entry.action],
      ids: entry.target.ids ?? [],
      summary: targetSummary(entry.target),
      who: whoWords(entry),
      outcome: outcomeWords(entry.status),
    };
  }
}
