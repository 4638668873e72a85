import type { StoryProgressDto, StorySummaryDto } from '@storyflow/contracts';

/** A row of the list: the summary as loaded, updated in place by live progress. */
export interface StoryRow extends StorySummaryDto {
  /** Gone since the list was loaded: deleted here or elsewhere, or removed by retention. The row stays put. */
  removed: 'by-you' | 'elsewhere' | null;
}

/**
 * Rows in the order they were loaded, with the latest progress of each applied. Nothing is added,
 * removed or reordered between loads, so nothing moves under the pointer: a story that is gone stays
 * as a marked row until the next load.
 */
export function liveRows(
  items: readonly StorySummaryDto[],
  progress: ReadonlyMap<string, StoryProgressDto>,
  deletedHere: ReadonlySet<string>,
): StoryRow[] {
  return items.map((item) => {
    if (deletedHere.has(item.id)) return { ...item, removed: 'by-you' };
    const p = progress.get(item.id);
    if (!p) return { ...item, removed: null };
    if (p.status === 'Deleted') return { ...item, removed: 'elsewhere' };
    // Progress only moves forward: an older message (or a stale load) never takes a row back.
    const doneCount = Math.max(item.doneCount, p.doneCount);
    const status = item.status === 'Done' ? 'Done' : p.status;
    return {
      ...item,
      status,
      doneCount,
      runningTasks: status === 'Done' ? 0 : p.runningTasks,
      startedAt: p.startedAt ?? item.startedAt,
      completedAt: p.completedAt ?? item.completedAt,
      processingMs:
        item.processingMs ?? (p.completedAt !== null ? Math.max(0, Date.parse(p.completedAt) - Date.parse(item.createdAt)) : null),
      removed: null,
    };
  });
}

/** What the "new stories" banner counts for the list's filter, from the activity since the load. */
export interface ActivityTotals {
  created: number;
  completed: number;
  removed: number;
}

/** Stories that would now appear on page 1 of this filter, or null when that cannot be told (a search). */
export function newSinceLoad(status: 'All' | 'Open' | 'Done', q: string, totals: ActivityTotals): number | null {
  if (q.trim() !== '') return null;
  return status === 'Done' ? totals.completed : totals.created;
}
