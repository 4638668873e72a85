import { Dialog } from '@angular/cdk/dialog';
import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed, toObservable } from '@angular/core/rxjs-interop';
import { PAGE_LIMIT_DEFAULT, type StoryListDto, type StoryStatus, type StorySummaryDto } from '@storyflow/contracts';
import { Subject, catchError, exhaustMap, map, merge, of, switchMap, timer } from 'rxjs';
import { StoriesApi, toApiFailure, type StoryListQuery } from '../core/stories-api';
import { DELETE_DONE_TITLE_ID, DeleteDoneDialog } from './delete-done-dialog';
import { formatDuration } from './story-request';

export const LIST_POLL_MS = 1500;

type Filter = 'All' | StoryStatus;

/** Paginated story list; polls the current page while it is on screen. */
@Component({
  selector: 'sf-story-list',
  imports: [DatePipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="card list" aria-labelledby="list-title">
      <div class="list-head">
        <h2 id="list-title">
          Stories <span class="muted count" data-testid="story-total">{{ total() }}</span>
        </h2>
        <div class="filters" role="group" aria-label="Filter by status">
          @for (f of filters; track f) {
            <button
              type="button"
              class="btn btn-small"
              [class.selected]="filter() === f"
              [attr.aria-pressed]="filter() === f"
              [attr.data-testid]="'filter-' + f"
              (click)="setFilter(f)"
            >
              {{ f }}
            </button>
          }
        </div>
        <button type="button" class="btn btn-small btn-danger" data-testid="delete-done" (click)="confirmDeleteDone()">
          Delete all Done
        </button>
      </div>

      @if (error(); as e) {
        <p class="field-error" role="alert">{{ e }}</p>
      }

      <table class="stories">
        <thead>
          <tr>
            <th scope="col">Story</th>
            <th scope="col">Status</th>
            <th scope="col">Progress</th>
            <th scope="col">Created</th>
            <th scope="col">Completed</th>
            <th scope="col">Processing</th>
            <th scope="col"><span class="sr-only">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          @for (story of items(); track story.id) {
            <tr [attr.data-story-id]="story.id" data-testid="story-row">
              <td>
                <div class="title">
                  <span class="story-title" data-testid="story-title">{{ name(story) }}</span>
                  <span class="muted small">{{ story.taskCount }} tasks · {{ duration(story.estimateMs) }} work</span>
                </div>
              </td>
              <td data-label="Status">
                <span class="badge" [attr.data-status]="story.status" data-testid="story-status">{{ story.status }}</span>
              </td>
              <td data-label="Progress">
                <div
                  class="progress"
                  role="progressbar"
                  [attr.aria-valuenow]="story.doneCount"
                  aria-valuemin="0"
                  [attr.aria-valuemax]="story.taskCount"
                  [attr.aria-label]="'Progress of ' + name(story)"
                >
                  <span [style.width.%]="percent(story)"></span>
                </div>
                <span class="small" data-testid="story-progress">{{ story.doneCount }}/{{ story.taskCount }}</span>
              </td>
              <td data-label="Created">
                <time [attr.datetime]="story.createdAt" [attr.title]="story.createdAt | date: 'medium'">{{
                  story.createdAt | date: 'HH:mm:ss'
                }}</time>
              </td>
              <td data-label="Completed">
                @if (story.completedAt) {
                  <time [attr.datetime]="story.completedAt" [attr.title]="story.completedAt | date: 'medium'">{{
                    story.completedAt | date: 'HH:mm:ss'
                  }}</time>
                } @else {
                  –
                }
              </td>
              <td data-label="Processing" data-testid="story-processing">{{ duration(story.processingMs) }}</td>
              <td class="actions">
                <button
                  type="button"
                  class="btn btn-small"
                  data-testid="delete-story"
                  [attr.aria-label]="'Delete ' + name(story)"
                  (click)="remove(story)"
                >
                  Delete
                </button>
              </td>
            </tr>
          } @empty {
            <tr class="empty">
              <td colspan="7">{{ loaded() ? 'No stories.' : 'Loading…' }}</td>
            </tr>
          }
        </tbody>
      </table>

      <nav class="pager" aria-label="Pages">
        <button type="button" class="btn btn-small" [disabled]="page() <= 1" (click)="goTo(page() - 1)" data-testid="page-prev">
          Previous
        </button>
        <span data-testid="page-info">Page {{ page() }} of {{ pages() }}</span>
        <button type="button" class="btn btn-small" [disabled]="page() >= pages()" (click)="goTo(page() + 1)" data-testid="page-next">
          Next
        </button>
      </nav>
    </section>

    @if (notice(); as n) {
      <p class="notice" role="status" data-testid="notice">{{ n }}</p>
    }
  `,
  styleUrl: './story-list.css',
})
export class StoryList {
  private readonly api = inject(StoriesApi);
  private readonly refresh$ = new Subject<void>();
  private readonly dialog = inject(Dialog);

  protected readonly filters: Filter[] = ['All', 'Open', 'Done'];
  protected readonly filter = signal<Filter>('All');
  protected readonly page = signal(1);
  protected readonly limit = PAGE_LIMIT_DEFAULT;
  protected readonly result = signal<StoryListDto | null>(null);
  protected readonly loaded = computed(() => this.result() !== null);
  protected readonly error = signal<string | null>(null);
  protected readonly notice = signal<string | null>(null);
  protected readonly duration = formatDuration;

  protected readonly items = computed(() => this.result()?.items ?? []);
  protected readonly total = computed(() => this.result()?.total ?? 0);
  protected readonly pages = computed(() => Math.max(1, Math.ceil(this.total() / this.limit)));

  private readonly query = computed<StoryListQuery>(() => ({
    status: this.filter() === 'All' ? null : (this.filter() as StoryStatus),
    page: this.page(),
    limit: this.limit,
  }));

  constructor() {
    const queries = toObservable(this.query);
    merge(queries, this.refresh$.pipe(map(() => this.query())))
      .pipe(
        switchMap((q) =>
          timer(0, LIST_POLL_MS).pipe(
            exhaustMap(() =>
              this.api.list(q).pipe(
                map((r) => ({ ok: true as const, r })),
                catchError((err: unknown) => of({ ok: false as const, message: toApiFailure(err).message })),
              ),
            ),
          ),
        ),
        takeUntilDestroyed(),
      )
      .subscribe((res) => {
        if (!res.ok) {
          this.error.set(res.message);
          return;
        }
        this.error.set(null);
        // Deletions (here or elsewhere) can leave the current page beyond the last one, even with no
        // story left at all: step back to the last page (at least 1); the new query reloads it.
        const lastPage = Math.max(1, Math.ceil(res.r.total / this.limit));
        if (this.page() > lastPage) {
          this.page.set(lastPage);
          return;
        }
        this.result.set(res.r);
      });
  }

  refresh(): void {
    this.refresh$.next();
  }

  protected setFilter(f: Filter): void {
    this.filter.set(f);
    this.page.set(1);
  }

  protected goTo(page: number): void {
    this.page.set(Math.min(Math.max(1, page), this.pages()));
  }

  /** The title, or a short id for untitled stories (e.g. the generator's). */
  protected name(story: StorySummaryDto): string {
    return story.title ?? `Story ${story.id.slice(-6)}`;
  }

  protected percent(story: StorySummaryDto): number {
    return story.taskCount > 0 ? (100 * story.doneCount) / story.taskCount : 0;
  }

  protected remove(story: StorySummaryDto): void {
    this.api.delete(story.id).subscribe({
      next: () => {
        // Drop it at once; the next poll confirms.
        this.result.update((r) => (r ? { ...r, items: r.items.filter((s) => s.id !== story.id), total: r.total - 1 } : r));
        this.notice.set(`Deleted ${this.name(story)}.`);
        this.refresh();
      },
      error: (err: unknown) => this.error.set(toApiFailure(err).message),
    });
  }

  protected confirmDeleteDone(): void {
    this.dialog
      .open<boolean>(DeleteDoneDialog, {
        ariaLabelledBy: DELETE_DONE_TITLE_ID,
        width: '26rem',
        maxWidth: 'calc(100vw - 2rem)',
        backdropClass: 'sf-backdrop',
      })
      .closed.subscribe((confirmed) => {
        if (confirmed) this.deleteDone();
      });
  }

  private deleteDone(): void {
    this.api.deleteAllDone().subscribe({
      next: ({ deleted }) => {
        this.notice.set(`Deleted ${deleted} Done ${deleted === 1 ? 'story' : 'stories'}.`);
        this.refresh();
      },
      error: (err: unknown) => this.error.set(toApiFailure(err).message),
    });
  }
}
