import { DatePipe } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  type ElementRef,
  Injector,
  afterNextRender,
  computed,
  effect,
  inject,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import { takeUntilDestroyed, toObservable, toSignal } from '@angular/core/rxjs-interop';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { PAGE_LIMIT_DEFAULT } from '@storyflow/contracts/limits';
import type { StoryCountsDto, StoryListDto } from '@storyflow/contracts';
import { catchError, map, of, switchMap, tap } from 'rxjs';
import { AccessService } from '../../core/access/access';
import { TokenStore } from '../../core/access/token-store';
import { toApiFailure, type ApiFailure } from '../../core/api-failure';
import { Clock } from '../../core/clock';
import { StoriesApi } from '../../core/stories-api';
import { StatsStream } from '../../realtime/stats-stream';
import { StoryActions } from '../story-actions';
import { formatDuration, formatElapsed, plural, storyName } from '../story-format';
import { storyTiming } from '../story-timing';
import { LastListQuery } from './last-list-query';
import { ListPager } from './list-pager';
import { DEFAULT_LIST_QUERY, listRequest, readListQuery, toQueryParams, type ListQuery, type StatusFilter } from './list-query';
import { liveRows, newSinceLoad, type ActivityTotals, type StoryRow } from './list-rows';
import { StoryFilters } from './story-filters';

const NO_TOTALS: ActivityTotals = { created: 0, completed: 0, removed: 0 };

/**
 * The stories, newest first, with filter, page and search in the URL. Rows never move under the
 * pointer: a load fixes the rows and their order; live progress (socket) updates them in place; a
 * story that is gone stays as a marked row; new stories wait behind a "N new stories" button.
 */
@Component({
  selector: 'sf-story-list',
  imports: [DatePipe, RouterLink, StoryFilters, ListPager],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './story-list.html',
  styleUrl: './story-list.css',
})
export class StoryList {
  private readonly api = inject(StoriesApi);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);
  private readonly stream = inject(StatsStream);
  private readonly actions = inject(StoryActions);
  private readonly clock = inject(Clock);
  private readonly injector = inject(Injector);
  protected readonly canMutate = inject(AccessService).canMutate;
  private readonly heading = viewChild.required<ElementRef<HTMLElement>>('heading');
  private readonly table = viewChild.required<ElementRef<HTMLElement>>('table');

  protected readonly limit = PAGE_LIMIT_DEFAULT;
  protected readonly query = toSignal(this.route.queryParamMap.pipe(map(readListQuery)), { initialValue: DEFAULT_LIST_QUERY });
  private readonly reloads = signal(0);
  protected readonly result = signal<StoryListDto | null>(null);
  protected readonly loading = signal(true);
  protected readonly error = signal<ApiFailure | null>(null);
  /** Start of the second the shown rows were requested in: activity from then on is "new". */
  private loadedFrom = 0;
  private readonly totals = signal<ActivityTotals>(NO_TOTALS);
  private readonly deletedHere = signal<ReadonlySet<string>>(new Set());
  /** How often the live feed has come back after an outage, now and as of the rows shown. */
  private readonly reconnects = computed(() => this.stream.view().reconnects);
  private readonly reconnectsAtLoad = signal(untracked(this.reconnects));
  protected readonly selected = signal<ReadonlySet<string>>(new Set());
  /** Ticks every second, for elapsed times and ETAs. */
  protected readonly now = this.clock.now;

  protected readonly rows = computed(() => liveRows(this.result()?.items ?? [], this.stream.progress(), this.deletedHere()));
  protected readonly pages = computed(() => Math.max(1, Math.ceil((this.result()?.total ?? 0) / this.limit)));
  protected readonly connection = computed(() => this.stream.view().connection);
  /**
   * The live feed came back since the rows were loaded: the changes made meanwhile were not pushed to
   * them, so a reload is offered. (A list that could not load loads again by itself: no rows to move.)
   */
  protected readonly missedWhileOffline = computed(
    () => this.reconnects() > this.reconnectsAtLoad() && this.result() !== null && this.error() === null,
  );
  protected readonly disconnectedAt = computed(() => this.stream.view().disconnectedAt);

  /** Live counts (every second) when not searching; the load's counts for a search. */
  protected readonly counts = computed<StoryCountsDto | null>(() => {
    const activity = this.stream.activity();
    if (this.query().q.trim() === '' && activity) {
      const { Open, Done } = activity.counts;
      return { all: Open + Done, Open, Done };
    }
    return this.result()?.counts ?? null;
  });
  /** All Done stories of the server (what "Delete all Done" deletes), whatever the search. */
  protected readonly doneTotal = computed(() => {
    const activity = this.stream.activity();
    if (activity) return activity.counts.Done;
    return this.query().q.trim() === '' ? (this.result()?.counts.Done ?? null) : null;
  });
  protected readonly total = computed(() => {
    const counts = this.counts();
    const status = this.query().status;
    return counts ? (status === 'All' ? counts.all : counts[status]) : (this.result()?.total ?? 0);
  });
  protected readonly newCount = computed(() => newSinceLoad(this.query().status, this.query().q, this.totals()));
  protected readonly changedSinceLoad = computed(() => {
    const t = this.totals();
    return t.created + t.completed + t.removed > 0;
  });
  /** What an empty table says: never "No stories." when they could not be loaded. */
  protected readonly emptyText = computed(() => {
    if (this.loading() && !this.error()) return 'Loading…';
    if (!this.result()) return 'Not loaded: see above.';
    const q = this.query().q.trim();
    return q ? `No story matches “${q}”.` : 'No stories.';
  });
  protected readonly caption = computed(() => `Stories, newest first: page ${this.query().page} of ${this.pages()}`);
  protected readonly selectable = computed(() => this.rows().filter((r) => r.removed === null));
  protected readonly allSelected = computed(() => {
    const rows = this.selectable();
    return rows.length > 0 && rows.every((r) => this.selected().has(r.id));
  });

  constructor() {
    inject(LastListQuery).follow(this.query);
    const destroyRef = inject(DestroyRef);
    toObservable(computed(() => ({ query: this.query(), reload: this.reloads() })))
      .pipe(
        tap(() => {
          this.loading.set(true);
          this.loadedFrom = Math.floor(this.clock.read() / 1000) * 1000;
        }),
        switchMap(({ query }) =>
          this.api.list(listRequest(query, this.limit)).pipe(
            map((list) => ({ ok: true as const, list, query })),
            catchError((error: unknown) => of({ ok: false as const, failure: toApiFailure(error) })),
          ),
        ),
        takeUntilDestroyed(),
      )
      .subscribe((res) => {
        this.loading.set(false);
        if (!res.ok) return this.error.set(res.failure);
        this.error.set(null);
        // Deletions can leave the page beyond the last one: go to the last page instead.
        const lastPage = Math.max(1, Math.ceil(res.list.total / this.limit));
        if (res.query.page > lastPage) return this.navigate({ ...res.query, page: lastPage }, true);
        this.result.set(res.list);
        this.reconnectsAtLoad.set(this.reconnects());
        this.totals.set(NO_TOTALS);
        this.deletedHere.set(new Set());
        const ids = new Set(res.list.items.map((s) => s.id));
        this.selected.update((sel) => new Set([...sel].filter((id) => ids.has(id))));
      });

    // A new token (e.g. after a 401, or a viewer becoming operator): load again with it.
    inject(TokenStore)
      .changed$.pipe(takeUntilDestroyed())
      .subscribe(() => this.reload());

    // Live progress for the rows on screen.
    effect(() => {
      const ids = (this.result()?.items ?? []).map((s) => s.id);
      untracked(() => this.stream.watch(this, ids));
    });
    destroyRef.onDestroy(() => this.stream.unwatch(this));

    // What happened since the load, from every second's activity (each one counts: none may be skipped).
    this.stream.activity$.pipe(takeUntilDestroyed()).subscribe((activity) => {
      if (activity.t < this.loadedFrom) return;
      this.totals.update((t) => ({
        created: t.created + activity.created,
        completed: t.completed + activity.completed,
        removed: t.removed + activity.removed,
      }));
    });

    // Back after an outage with nothing shown (it could not load): load now (a request, hence an effect).
    effect(() => {
      const comeback = this.reconnects() > untracked(this.reconnectsAtLoad);
      if (comeback && untracked(() => this.error() !== null || this.result() === null)) untracked(() => this.reload());
    });
  }

  /** Loads the newest stories (page 1 of this filter), e.g. after the user created one. */
  showNew(): void {
    const query = this.query();
    if (query.page !== 1) this.navigate({ ...query, page: 1 });
    else this.reload();
  }

  /** The banner's button goes away with the reload: the focus goes to the list's heading. */
  protected showNewFromBanner(): void {
    this.showNew();
    this.focusHeading();
  }

  protected reload(): void {
    this.reloads.update((n) => n + 1);
  }

  protected setStatus(status: StatusFilter): void {
    this.navigate({ ...this.query(), status, page: 1 });
  }

  protected setSearch({ q, replace }: { q: string; replace: boolean }): void {
    this.navigate({ ...this.query(), q, page: 1 }, replace);
  }

  protected goTo(page: number): void {
    this.navigate({ ...this.query(), page });
  }

  private navigate(query: ListQuery, replaceUrl = false): void {
    void this.router.navigate([], { relativeTo: this.route, queryParams: toQueryParams(query), replaceUrl });
  }

  protected readonly name = storyName;
  protected readonly duration = formatDuration;
  protected readonly plural = plural;

  protected percent(row: StoryRow): number {
    return row.taskCount > 0 ? (100 * row.doneCount) / row.taskCount : 0;
  }

  protected progressText(row: StoryRow): string {
    return `${row.doneCount}/${row.taskCount}`;
  }

  /** The Time column: waiting, running (elapsed and ETA), or how long it took. */
  protected timeText(row: StoryRow): string {
    if (row.removed) return '–';
    const timing = storyTiming(row, this.now());
    if (row.status === 'Done') return row.processingMs === null ? '–' : `took ${formatDuration(row.processingMs)}`;
    if (timing.elapsedMs === null) return `queued ${formatElapsed(timing.waitingMs)}`;
    const eta = timing.etaMs === null ? '' : ` · ≈ ${formatElapsed(timing.etaMs)} left`;
    return `running ${formatElapsed(timing.elapsedMs)}${eta}`;
  }

  protected isSelected(id: string): boolean {
    return this.selected().has(id);
  }

  protected toggle(id: string, on: boolean): void {
    this.selected.update((sel) => {
      const next = new Set(sel);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  }

  protected toggleAll(on: boolean): void {
    this.selected.set(on ? new Set(this.selectable().map((r) => r.id)) : new Set());
  }

  protected async remove(row: StoryRow, index: number): Promise<void> {
    if (!(await this.actions.delete(row))) return;
    this.markDeleted([row.id]);
    // The row stays, marked, without its buttons: the focus moves to the nearest live story.
    this.focusNear(index);
  }

  protected async rerun(row: StoryRow): Promise<void> {
    await this.actions.rerun(row);
  }

  protected async bulkDelete(): Promise<void> {
    const deleted = await this.actions.bulkDelete([...this.selected()]);
    if (deleted.length === 0) return;
    this.markDeleted(deleted);
    this.selected.set(new Set());
    this.focusHeading();
  }

  protected async bulkRerun(): Promise<void> {
    const created = await this.actions.bulkRerun([...this.selected()]);
    if (created.length > 0) this.selected.set(new Set());
  }

  protected async deleteDone(): Promise<void> {
    if (this.doneTotal() === 0) return;
    const deleted = await this.actions.deleteAllDone(this.doneTotal());
    if (deleted > 0)
      this.markDeleted(
        this.rows()
          .filter((r) => r.status === 'Done')
          .map((r) => r.id),
      );
  }

  protected selectedDone(): number {
    return this.rows().filter((r) => r.removed === null && r.status === 'Done' && this.selected().has(r.id)).length;
  }

  private markDeleted(ids: readonly string[]): void {
    this.deletedHere.update((set) => new Set([...set, ...ids]));
    this.selected.update((sel) => new Set([...sel].filter((id) => !ids.includes(id))));
  }

  /** Once the row is drawn without its buttons (the focused one is gone). */
  private focusNear(index: number): void {
    afterNextRender(
      () => {
        const links = Array.from(this.table().nativeElement.querySelectorAll<HTMLElement>('[data-row-index] a.story-title'));
        const byIndex = (a: HTMLElement) => Number(a.closest('[data-row-index]')?.getAttribute('data-row-index'));
        const target = links.find((a) => byIndex(a) > index) ?? links.reverse().find((a) => byIndex(a) < index);
        if (target) target.focus();
        else this.focusHeading();
      },
      { injector: this.injector },
    );
  }

  private focusHeading(): void {
    this.heading().nativeElement.focus();
  }
}
