import { isStoryId, type ListStoriesQuery, type StoryDto, type StoryListDto, type StoryProgressDto } from '@storyflow/contracts';
import type { Processor } from '../processing/processor.js';
import type { RecentTimings, StoredMoments } from './recent-timings.js';
import { notFound } from './story-errors.js';
import { toDto, toSummary } from './story.mapper.js';
import type { StoryDoc } from './story.model.js';
import type { StoryRepository } from './story.repository.js';

/** The stored stories by status, known without counting them (null: not known, count them). */
export type StoredStatusCounts = () => { Open: number; Done: number } | null;

/**
 * Reads: stored stories with the live figures of those Open here. An unfiltered page takes its status counts from `storedCounts`,
 * so a listing does not slow as the collection grows; a search counts its own matches.
 */
export class StoryQueries {
  constructor(
    private readonly repository: StoryRepository,
    private readonly processor: Processor,
    private readonly storedCounts: StoredStatusCounts = () => null,
    private readonly timings: Pick<RecentTimings, 'timingOf'> = { timingOf: () => null },
  ) {}

  async list(query: ListStoriesQuery): Promise<StoryListDto> {
    const known = query.q ? null : this.storedCounts();
    const { items, total, counts } = await this.repository.list({ status: query.status, q: query.q }, query.page, query.limit, known);
    return {
      items: items.map((doc) => toSummary(doc, this.live(doc))),
      total,
      page: query.page,
      limit: query.limit,
      counts: { all: counts.Open + counts.Done, ...counts },
    };
  }

  async get(id: string): Promise<StoryDto> {
    const doc = isStoryId(id) ? await this.repository.findById(id) : null;
    if (!doc) throw notFound(id);
    return toDto(doc, this.live(doc), this.timings.timingOf(storedMoments(doc)));
  }

  /** A story's live figures, if it is Open in this server's memory. */
  liveProgress(id: string): StoryProgressDto | null {
    const live = this.processor.progressOf(id);
    if (!live) return null;
    return {
      id,
      status: 'Open',
      taskCount: live.taskCount,
      doneCount: live.doneCount,
      runningTasks: live.runningTasks,
      running: live.running,
      startedAt: live.startedAt === null ? null : new Date(live.startedAt).toISOString(),
      completedAt: null,
    };
  }

  private live(doc: StoryDoc) {
    return doc.status === 'Open' ? this.processor.progressOf(doc._id.toHexString()) : null;
  }
}

/** What a story's document holds of its moments: when it started and ran until only where completions store them per story. */
function storedMoments(doc: StoryDoc): StoredMoments {
  const at = (d: Date | null | undefined) => (d ? new Date(d).getTime() : null);
  const ran = doc.ranUntil && doc.startedAt ? { startedAt: at(doc.startedAt)!, ranUntil: at(doc.ranUntil)! } : null;
  return { id: doc._id.toHexString(), createdAt: at(doc.createdAt)!, completedAt: at(doc.completedAt), ran };
}
