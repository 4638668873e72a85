import type { CreateStoryRequest, DeleteResultDto, LegacyJobRequest, ListStoriesQuery, StoryDto, StoryListDto } from '@storyflow/contracts';
import { NotFoundError } from '../http/errors.js';
import type { Processor } from '../processing/processor.js';
import { randomInt, type Clock, type Random } from '../shared/clock.js';
import type { SerialLock } from '../shared/serial-lock.js';
import type { CounterCache } from '../stats/counter-cache.js';
import { toDto, toSummary } from './story.mapper.js';
import type { StoryRepository } from './story.repository.js';

const BULK_BATCH = 500;
// ObjectId.isValid also accepts any 12-character string; ids here are always 24 hex digits.
const isStoryId = (id: string) => /^[0-9a-f]{24}$/i.test(id);

export class StoryService {
  constructor(
    private readonly repository: StoryRepository,
    private readonly processor: Processor,
    private readonly counters: CounterCache,
    private readonly lock: SerialLock,
    private readonly clock: Clock,
    private readonly random: Random = Math.random,
  ) {}

  /** Persists first, then queues: a 201 means the story survives a crash. */
  async create(request: CreateStoryRequest, externalRef: number | null = null): Promise<StoryDto> {
    const estimates =
      'tasks' in request
        ? request.tasks.map((t) => t.estimate)
        : Array.from({ length: request.taskCount }, () => randomInt(this.random, request.estimateMin, request.estimateMax));
    const doc = await this.repository.insert({
      title: request.title || null,
      externalRef,
      estimates,
      createdAt: new Date(this.clock.now()),
    });
    this.counters.storyCreated();
    this.processor.add(doc);
    return toDto(doc);
  }

  /** The original client's job: its `id` is a page-local counter, kept only as a reference. */
  createFromLegacyJob(job: LegacyJobRequest): Promise<StoryDto> {
    return this.create({ title: `Job ${job.id}`, tasks: job.tasks.map((t) => ({ estimate: t.estimate })) }, job.id);
  }

  async list(query: ListStoriesQuery): Promise<StoryListDto> {
    const { items, total } = await this.repository.list(query.status, query.page, query.limit);
    return { items: items.map(toSummary), total, page: query.page, limit: query.limit };
  }

  async get(id: string): Promise<StoryDto> {
    const doc = isStoryId(id) ? await this.repository.findById(id) : null;
    if (!doc) throw notFound(id);
    return toDto(doc);
  }

  deleteOne(id: string): Promise<DeleteResultDto> {
    if (!isStoryId(id)) return Promise.reject(notFound(id));
    // Under the lock no completion commit runs, so the status read here is the one we remove.
    return this.lock.run(async () => {
      const statuses = await this.repository.statuses([id]);
      const status = statuses.get(id);
      if (!status) throw notFound(id);
      const removed = await this.repository.remove([{ id, status }], 'delete');
      // Only once it is gone: if the delete failed, the story keeps running.
      this.processor.forget(id);
      this.counters.storiesRemoved(removed, 'delete');
      return { deleted: removed.open + removed.done };
    });
  }

  /** Deletes every Done story, in batches so a large collection never means one huge request. */
  async deleteDone(): Promise<DeleteResultDto> {
    let deleted = 0;
    for (;;) {
      const n = await this.removeDoneBatch('delete', BULK_BATCH);
      deleted += n;
      if (n < BULK_BATCH) return { deleted };
    }
  }

  /** Retention: removes Done stories completed before the cutoff; counters keep counting them. */
  purgeDoneBefore(cutoff: Date, batch = BULK_BATCH): Promise<number> {
    return this.removeDoneBatch('purge', batch, cutoff);
  }

  private removeDoneBatch(reason: 'delete' | 'purge', batch: number, completedBefore?: Date): Promise<number> {
    return this.lock.run(async () => {
      const ids = await this.repository.findDoneIds(batch, completedBefore);
      const removed = await this.repository.remove(
        ids.map((id) => ({ id, status: 'Done' as const })),
        reason,
      );
      this.counters.storiesRemoved(removed, reason);
      return removed.done;
    });
  }
}

const notFound = (id: string) =>
  new NotFoundError(isStoryId(id) ? `story '${id}' does not exist` : `'${id}' is not a valid story id (24 hex characters)`);
