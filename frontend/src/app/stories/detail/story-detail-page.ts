import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, DestroyRef, computed, effect, inject, input, linkedSignal, untracked } from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import type { StoryDto, StoryProgressDto } from '@storyflow/contracts';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { AccessService } from '../../core/access/access';
import { Clock } from '../../core/clock';
import { TokenStore } from '../../core/access/token-store';
import { toApiFailure, type ApiFailure } from '../../core/api-failure';
import { ServerInfo } from '../../core/server-info';
import { StoriesApi } from '../../core/stories-api';
import { StatsStream } from '../../realtime/stats-stream';
import { LastListQuery } from '../list/last-list-query';
import { StoryActions } from '../story-actions';
import { formatDuration, formatElapsed, plural, storyName } from '../story-format';
import { backlogEta } from '../../realtime/backlog-eta';
import { storyTiming, waitingEstimate } from '../story-timing';
import { phaseRows } from './story-phases';
import { TaskTable } from './task-table';
import { TaskTimeline } from './task-timeline';

/** While Open, the tasks' done times are fetched again at most this often (progress itself is live). */
export const DETAIL_REFRESH_MS = 2000;

/**
 * One story: its times, elapsed and ETA, and its tasks on a timeline and in a table. Live while Open:
 * progress arrives over the socket (the story is watched), and the full story (with each task's done
 * time) is fetched again at most every DETAIL_REFRESH_MS while it moves.
 */
@Component({
  selector: 'sf-story-detail-page',
  imports: [DatePipe, RouterLink, TaskTimeline, TaskTable],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './story-detail-page.html',
  styleUrl: './story-detail-page.css',
})
export class StoryDetailPage {
  /** From the route (`/stories/:id`). */
  readonly id = input.required<string>();

  private readonly api = inject(StoriesApi);
  private readonly stream = inject(StatsStream);
  private readonly actions = inject(StoryActions);
  private readonly router = inject(Router);
  private readonly clock = inject(Clock);
  protected readonly canMutate = inject(AccessService).canMutate;
  protected readonly retentionSec = inject(ServerInfo).doneRetentionSec;
  protected readonly backParams = inject(LastListQuery).queryParams;

  // What this page knows of the story: all of it starts again with another id (the route's component stays).
  protected readonly story = linkedSignal<string, StoryDto | null>({ source: this.id, computation: () => null });
  protected readonly failure = linkedSignal<string, ApiFailure | null>({ source: this.id, computation: () => null });
  /** When the live feed said the story is gone. */
  protected readonly removedAt = linkedSignal<string, number | null>({ source: this.id, computation: () => null });
  protected readonly now = this.clock.now;
  /** Task number → when this page first saw it running (the server does not say when a task started). */
  protected readonly firstSeenRunning = linkedSignal<string, ReadonlyMap<number, number>>({
    source: this.id,
    computation: () => new Map(),
  });
  private lastFetch = 0;
  private refetchTimer: ReturnType<typeof setTimeout> | null = null;

  protected readonly name = computed(() => {
    const story = this.story();
    return story ? storyName(story) : `Story …${this.id().slice(-6)}`;
  });
  protected readonly connection = computed(() => this.stream.view().connection);
  protected readonly disconnectedAt = computed(() => this.stream.view().disconnectedAt);
  protected readonly timing = computed(() => {
    const story = this.story();
    return story ? storyTiming(story, this.now(), story.tasks) : null;
  });
  /** Time left while no task has started: from the backlog the story waits in (live figures only). */
  protected readonly waitingEta = computed(() => {
    const view = this.stream.view();
    return waitingEstimate(view.connection === 'live' ? backlogEta(view.samples) : null);
  });
  protected readonly counts = computed(() => {
    const story = this.story();
    if (!story) return null;
    const running = story.status === 'Done' ? 0 : story.running.length;
    return { done: story.doneCount, running, waiting: Math.max(0, story.taskCount - story.doneCount - running) };
  });
  protected readonly longestTask = computed(() => this.story()?.criticalPathMs ?? null);
  /**
   * Where its latency went, once Done (the server's timing, fetched again when it turns Done live); three rows of
   * dashes until then, kept in place (hidden while Open) so that nothing moves when they fill.
   */
  protected readonly phases = computed(() => {
    const story = this.story();
    return phaseRows(story?.status === 'Done' ? story.timing : null, story?.processingMs ?? null);
  });
  protected readonly duration = formatDuration;
  protected readonly elapsed = formatElapsed;
  protected readonly plural = plural;

  constructor() {
    const destroyRef = inject(DestroyRef);
    // The story's live progress (the worker) and the story itself (the server).
    effect(() => {
      const id = this.id();
      untracked(() => {
        this.stream.watch(this, [id]);
        this.fetch(id);
      });
    });
    destroyRef.onDestroy(() => {
      this.stream.unwatch(this);
      if (this.refetchTimer !== null) clearTimeout(this.refetchTimer);
    });
    // A new token (e.g. after a 401): load again with it.
    inject(TokenStore)
      .changed$.pipe(takeUntilDestroyed())
      .subscribe(() => this.fetch(this.id()));
    effect(() => {
      const progress = this.stream.progress().get(this.id());
      if (progress) untracked(() => this.apply(progress));
    });
  }

  private fetch(id: string): void {
    this.lastFetch = this.clock.read();
    this.api.get(id).subscribe({
      next: (story) => {
        if (story.id !== this.id()) return;
        this.failure.set(null);
        this.story.set(story);
        this.noteRunning(story.running);
      },
      error: (error: unknown) => this.failure.set(toApiFailure(error)),
    });
  }

  private apply(progress: StoryProgressDto): void {
    if (progress.status === 'Deleted') {
      if (this.removedAt() === null) this.removedAt.set(this.clock.read());
      return;
    }
    const story = this.story();
    if (!story) return;
    const moved = progress.doneCount > story.doneCount || progress.status !== story.status;
    this.story.set({
      ...story,
      status: story.status === 'Done' ? 'Done' : progress.status,
      doneCount: Math.max(story.doneCount, progress.doneCount),
      running: progress.running,
      runningTasks: progress.runningTasks,
      startedAt: progress.startedAt ?? story.startedAt,
      completedAt: progress.completedAt ?? story.completedAt,
    });
    this.noteRunning(progress.running);
    if (moved) this.scheduleRefetch(progress.status === 'Done');
  }

  /** Fetches the tasks' done times again, at most every DETAIL_REFRESH_MS, and at once when the story finishes. */
  private scheduleRefetch(finished: boolean): void {
    if (this.refetchTimer !== null) {
      if (!finished) return;
      clearTimeout(this.refetchTimer);
    }
    const wait = finished ? 0 : Math.max(0, this.lastFetch + DETAIL_REFRESH_MS - this.clock.read());
    this.refetchTimer = setTimeout(() => {
      this.refetchTimer = null;
      this.fetch(this.id());
    }, wait);
  }

  private noteRunning(running: readonly number[]): void {
    const seen = this.firstSeenRunning();
    if (running.every((n) => seen.has(n))) return;
    const now = this.clock.read();
    const next = new Map(seen);
    for (const n of running) if (!next.has(n)) next.set(n, now);
    this.firstSeenRunning.set(next);
  }

  protected async rerun(): Promise<void> {
    const story = this.story();
    if (story) await this.actions.rerun(story);
  }

  protected async remove(): Promise<void> {
    const story = this.story();
    if (!story || !(await this.actions.delete(story))) return;
    void this.router.navigate(['/stories'], { queryParams: this.backParams() });
  }
}
