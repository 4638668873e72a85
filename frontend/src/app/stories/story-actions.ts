import { Injectable, Injector, inject } from '@angular/core';
import type { BulkActionResultDto, StoryDto } from '@storyflow/contracts';
import { firstValueFrom } from 'rxjs';
import { toApiFailure } from '../core/api-failure';
import { openLazyDialog } from '../core/lazy-dialog';
import { Notices } from '../core/notices';
import { StoriesApi } from '../core/stories-api';
import type { ConfirmData, ConfirmDialog } from './confirm-dialog';
import { plural, storyName } from './story-format';

/**
 * The actions on stories, shared by the list and the detail page: each reports its outcome as a
 * notice, with Undo where it can be honoured (a new run can be deleted again; a deletion cannot be
 * taken back). Each resolves to whether it succeeded, so the caller can move the focus.
 */
@Injectable({ providedIn: 'root' })
export class StoryActions {
  private readonly api = inject(StoriesApi);
  private readonly notices = inject(Notices);
  private readonly injector = inject(Injector);

  async delete(story: Pick<StoryDto, 'id' | 'title'>): Promise<boolean> {
    try {
      await firstValueFrom(this.api.delete(story.id));
      this.notices.show({ text: `Deleted ${storyName(story)}.` });
      return true;
    } catch (error) {
      this.fail(`Could not delete ${storyName(story)}`, error);
      return false;
    }
  }

  /** A new story with the same task estimates; Undo deletes that new story again. */
  async rerun(story: Pick<StoryDto, 'id' | 'title'>): Promise<StoryDto | null> {
    try {
      const created = await firstValueFrom(this.api.rerun(story.id));
      this.notices.show({
        text: `Started a new run of ${storyName(story)} (${plural(created.taskCount, 'task')}).`,
        link: { label: 'View', commands: ['/stories', created.id] },
        action: { label: 'Undo', run: () => void this.undoRuns([created.id]) },
      });
      return created;
    } catch (error) {
      this.fail(`Could not run ${storyName(story)} again`, error);
      return null;
    }
  }

  /** Asks first; resolves to the ids deleted (none when cancelled or failed). */
  async bulkDelete(ids: readonly string[]): Promise<string[]> {
    const confirmed = await this.confirm({
      title: `Delete ${plural(ids.length, 'story', 'stories')}?`,
      body: 'They are removed for good; Open ones stop. The completed count stays.',
      confirm: `Delete ${plural(ids.length, 'story', 'stories')}`,
    });
    if (!confirmed) return [];
    const result = await this.bulk('delete', ids);
    if (!result) return [];
    const done = result.results.filter((r) => r.ok).map((r) => r.id);
    this.report(`Deleted ${plural(done.length, 'story', 'stories')}`, result);
    return done;
  }

  /** New runs of the selected stories; Undo deletes the new runs. Resolves to the new ids. */
  async bulkRerun(ids: readonly string[]): Promise<string[]> {
    const result = await this.bulk('rerun', ids);
    if (!result) return [];
    const created = result.results.flatMap((r) => (r.ok && r.newId ? [r.newId] : []));
    this.report(`Started ${plural(created.length, 'new run')}`, result, created.length > 0 ? () => void this.undoRuns(created) : undefined);
    return created;
  }

  /** Asks first, naming how many; resolves to the number deleted. */
  async deleteAllDone(count: number | null): Promise<number> {
    const confirmed = await this.confirm({
      title: count === null ? 'Delete all Done stories?' : `Delete all ${plural(count, 'Done story', 'Done stories')}?`,
      body: 'Finished stories are removed for good. Open stories and the completed count stay.',
      confirm: 'Delete',
    });
    if (!confirmed) return 0;
    try {
      const { deleted } = await firstValueFrom(this.api.deleteAllDone());
      this.notices.show({ text: `Deleted ${plural(deleted, 'Done story', 'Done stories')}.` });
      return deleted;
    } catch (error) {
      this.fail('Could not delete the Done stories', error);
      return 0;
    }
  }

  private async undoRuns(ids: readonly string[]): Promise<void> {
    try {
      let undone = 1;
      if (ids.length === 1) await firstValueFrom(this.api.delete(ids[0]));
      else undone = (await firstValueFrom(this.api.bulk({ action: 'delete', ids: [...ids] }))).results.filter((r) => r.ok).length;
      this.notices.show({ text: `Undone: removed ${plural(undone, 'new run')}.` });
    } catch (error) {
      this.fail('Could not undo', error);
    }
  }

  private async bulk(action: 'delete' | 'rerun', ids: readonly string[]): Promise<BulkActionResultDto | null> {
    try {
      return await firstValueFrom(this.api.bulk({ action, ids: [...ids] }));
    } catch (error) {
      this.fail(action === 'delete' ? 'Could not delete the stories' : 'Could not run the stories again', error);
      return null;
    }
  }

  /** "Deleted 3 stories; 1 failed: not found." */
  private report(text: string, result: BulkActionResultDto, undo?: () => void): void {
    const failed = result.results.filter((r) => !r.ok);
    const reasons = [...new Set(failed.map((r) => r.error ?? 'failed'))].join('; ');
    this.notices.show({
      text: failed.length === 0 ? `${text}.` : `${text}; ${failed.length} failed: ${reasons}.`,
      tone: failed.length > 0 && failed.length === result.results.length ? 'error' : 'info',
      ...(undo ? { action: { label: 'Undo', run: undo } } : {}),
    });
  }

  /** The dialog loads when a first confirmation is asked, not with the list. */
  private async confirm(data: ConfirmData): Promise<boolean> {
    const ref = await openLazyDialog<boolean, ConfirmData, ConfirmDialog>(
      this.injector,
      () => import('./confirm-dialog').then((m) => ({ component: m.ConfirmDialog, titleId: m.CONFIRM_TITLE_ID })),
      data,
    ).catch(() => null);
    if (!ref) {
      this.notices.show({
        text: 'The confirmation could not be shown (the server cannot be reached): nothing was changed.',
        tone: 'error',
      });
      return false;
    }
    return firstValueFrom(ref.closed).then((confirmed) => confirmed === true);
  }

  private fail(what: string, error: unknown): void {
    this.notices.show({ text: `${what}: ${toApiFailure(error).message}`, tone: 'error' });
  }
}
