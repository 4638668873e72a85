import {
  isStoryId,
  type BulkActionRequest,
  type BulkActionResultDto,
  type CreateStoryRequest,
  type DeleteResultDto,
  type LegacyJobRequest,
  type ListStoriesQuery,
  type ProcessingDto,
  type StoryDto,
  type StoryListDto,
  type StoryProgressDto,
} from '@storyflow/contracts';
import type { Logger } from '../logger.js';
import type { Processor } from '../processing/processor.js';
import type { StoryWork } from '../processing/tracked-story.js';
import { randomInt, type Clock, type Random } from '../shared/clock.js';
import { ConcurrencyLimit } from '../shared/concurrency-limit.js';
import { DatabaseUnavailableError, NotFoundError, UnavailableError } from '../shared/errors.js';
import type { SerialLock } from '../shared/serial-lock.js';
import type { CounterCache } from '../stats/counter-cache.js';
import type { RemovalJournal } from './removal-journal.js';
import { DoneStories } from './done-stories.js';
import { toDto, toSummary } from './story.mapper.js';
import type { StoryDoc } from './story.model.js';
import type { StoryRepository } from './story.repository.js';
import { UnsettledInserts } from './unsettled-inserts.js';

const BULK_BATCH = 500;
// isStoryId, not ObjectId.isValid: that also accepts any 12-character string; ids here are always 24 hex digits.

export const toWork = (doc: StoryDoc): StoryWork => ({
  id: doc._id.toHexString(),
  createdAt: new Date(doc.createdAt).getTime(),
  tasks: doc.tasks.map((t) => ({ n: t.n, estimate: t.estimate, done: t.status === 'Done' })),
});

/** Cluster mode: what the service needs from the other instances (implemented over Redis). */
export interface ClusterPeers {
  /** Admission across the cluster; throws OverloadedError. */
  admit(tasks: number): Promise<void>;
  /** Takes the lease of a story about to be stored (false: someone holds it). */
  own(id: string): Promise<boolean>;
  /** Lets go of leases (a create that failed). */
  disclaim(ids: string[]): Promise<void>;
  /** Tells every instance these stories are gone (the one running them frees its workers). */
  announceDeleted(ids: string[]): Promise<void>;
  /** Pauses or resumes every instance. */
  setPaused(state: ProcessingDto): Promise<void>;
}

export interface StoryServiceDeps {
  repository: StoryRepository;
  journal: RemovalJournal;
  processor: Processor;
  counters: CounterCache;
  lock: SerialLock;
  clock: Clock;
  logger: Logger;
  random?: Random;
  cluster?: ClusterPeers;
}

export class StoryService {
  private readonly unsettled = new UnsettledInserts();
  /** Done stories known to be stored, for retention (complete for a single instance; see purgeDone). */
  private readonly done = new DoneStories();
  /** Creates between taking their lease and being taken on (cluster mode renews those leases too). */
  private readonly creating = new Set<string>();
  // Listing sorts in the database (on the in-memory server, by copying the collection): a few at a time.
  private readonly listings = new ConcurrencyLimit(4, 64, 'listings');
  /** Since when processing runs (it was last resumed, or the service started). */
  private startedAt: number;

  constructor(private readonly d: StoryServiceDeps) {
    this.startedAt = d.clock.now();
  }

  /** Admits, persists, then queues: a 201 means the story survives a crash. */
  async create(request: CreateStoryRequest, externalRef: number | null = null): Promise<StoryDto> {
    const random = this.d.random ?? Math.random;
    const estimates =
      'tasks' in request
        ? request.tasks.map((t) => t.estimate)
        : Array.from({ length: request.taskCount }, () => randomInt(random, request.estimateMin, request.estimateMax));
    const release = this.d.processor.reserve(estimates.length);
    const doc = this.d.repository.newDocument({
      title: request.title || null,
      externalRef,
      estimates,
      createdAt: new Date(this.d.clock.now()),
    });
    const id = doc._id.toHexString();
    const { cluster } = this.d;
    try {
      // In a cluster: within the cluster's bound, and ours before it is stored (no other instance may claim it).
      await cluster?.admit(estimates.length);
      if (cluster && !(await cluster.own(id))) throw new UnavailableError('Could not take ownership of the new story; try again');
    } catch (error) {
      release();
      throw error;
    }
    this.creating.add(id);
    try {
      await this.d.repository.insert(doc);
    } catch (error) {
      // The lease stays with an unsettled create (renewed with our stories) until it is settled.
      if (error instanceof DatabaseUnavailableError) this.unsettled.add(doc, release);
      else {
        release();
        await cluster?.disclaim([id]).catch(() => undefined);
      }
      throw error;
    } finally {
      this.creating.delete(id);
    }
    this.takeOn(doc, release);
    return toDto(doc);
  }

  /**
   * Throws OverloadedError while even a story of `minTasks` would be refused: a full server answers
   * before reading a body (a flood of large bodies it would refuse anyway costs it no memory).
   */
  assertRoomFor(minTasks: number): void {
    this.d.processor.checkRoom(minTasks);
  }

  /** The original client's job: its `id` is a page-local counter, kept only as a reference. */
  createFromLegacyJob(job: LegacyJobRequest): Promise<StoryDto> {
    return this.create({ title: `Job ${job.id}`, tasks: job.tasks.map((t) => ({ estimate: t.estimate })) }, job.id);
  }

  async list(query: ListStoriesQuery): Promise<StoryListDto> {
    const { items, total, counts } = await this.listings.run(() =>
      this.d.repository.list({ status: query.status, q: query.q }, query.page, query.limit),
    );
    return {
      items: items.map((doc) => toSummary(doc, this.live(doc))),
      total,
      page: query.page,
      limit: query.limit,
      counts: { all: counts.Open + counts.Done, ...counts },
    };
  }

  async get(id: string): Promise<StoryDto> {
    const doc = isStoryId(id) ? await this.d.repository.findById(id) : null;
    if (!doc) throw notFound(id);
    return toDto(doc, this.live(doc));
  }

  /** A new story with the same task estimates (a finished one again, or a copy of a running one). */
  async rerun(id: string): Promise<StoryDto> {
    const doc = isStoryId(id) ? await this.d.repository.findById(id) : null;
    if (!doc) throw notFound(id);
    const title = `${doc.title ?? `Story ${id.slice(-6)}`} (again)`;
    return this.create({
      title: title.length > 200 ? `${title.slice(0, 199)}…` : title,
      tasks: doc.tasks.map((t) => ({ estimate: t.estimate })),
    });
  }

  /** One action on each of the ids; a failure of one (gone, refused) does not stop the others. */
  async bulk(request: BulkActionRequest): Promise<BulkActionResultDto> {
    const results: BulkActionResultDto['results'] = [];
    for (const id of request.ids) {
      try {
        if (request.action === 'delete') {
          await this.deleteOne(id);
          results.push({ id, ok: true });
        } else {
          results.push({ id, ok: true, newId: (await this.rerun(id)).id });
        }
      } catch (error) {
        // Unavailability stops the batch (the rest would fail the same way); anything else is per story.
        if (error instanceof DatabaseUnavailableError) throw error;
        results.push({ id, ok: false, error: error instanceof Error ? error.message : String(error) });
      }
    }
    return { results };
  }

  processing(): ProcessingDto {
    return { paused: this.d.processor.paused, since: this.d.processor.pausedAt ?? this.startedAt };
  }

  async setPaused(paused: boolean): Promise<ProcessingDto> {
    const state = { paused, since: this.d.clock.now() };
    // In a cluster every instance applies it when told (this one too, through the same channel).
    if (this.d.cluster) await this.d.cluster.setPaused(state);
    this.applyProcessing(state);
    return this.processing();
  }

  /** Applies a pause or resume (from here, or announced by another instance). */
  applyProcessing(state: ProcessingDto): void {
    this.d.processor.setPaused(state.paused);
    if (!state.paused) this.startedAt = state.since;
  }

  /** Creates in flight or whose outcome is unknown: their leases are held (and renewed) until they are taken on or settled. */
  heldIds(): string[] {
    return [...this.creating, ...this.unsettled.ids()];
  }

  deleteOne(id: string): Promise<DeleteResultDto> {
    if (!isStoryId(id)) return Promise.reject(notFound(id));
    // Under the lock no completion commit runs, so the status read here is the one we remove.
    return this.d.lock.run(async () => {
      const ref = (await this.d.repository.refs([id])).get(id);
      if (!ref) throw notFound(id);
      const removed = await this.d.journal.remove([ref], 'delete');
      this.done.remove(id);
      // Only once it is gone: if the delete failed, the story keeps running.
      if (removed.open) {
        this.d.processor.forget(id);
        // Another instance may be running it: it frees its workers when told.
        await this.d.cluster
          ?.announceDeleted([id])
          .catch((error: unknown) => this.d.logger.warn({ err: error }, 'could not announce a deletion'));
      }
      this.d.counters.storiesRemoved(removed, 'delete');
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

  /** The stored Done stories, read once at start (retention takes its candidates from this list then). */
  async loadDone(): Promise<void> {
    for (const ref of await this.d.repository.doneRefs()) this.done.add(ref.id, ref.taskCount, ref.completedAt);
  }

  /** A story this instance committed Done. */
  noteCompleted(id: string, taskCount: number, at: number): void {
    this.done.add(id, taskCount, at);
  }

  /**
   * Retention: removes up to `batch` Done stories (completed before the cutoff, if given, else the oldest);
   * counters keep counting them. Candidates come from the in-memory list, no query; in a cluster, where
   * other instances complete stories too, from the database when the list has none. Not under the lock:
   * a Done story's status never changes again (the deletes are status-filtered), so completion commits
   * need not wait behind a purge.
   */
  async purgeDone(cutoff: Date | undefined, batch = BULK_BATCH): Promise<number> {
    const refs = this.done.take(batch, cutoff?.getTime());
    if (!refs.length) return this.d.cluster ? this.removeDoneBatchUnlocked('purge', batch, cutoff) : 0;
    let removed;
    try {
      removed = await this.d.journal.remove(refs, 'purge');
    } catch (error) {
      this.done.restore(refs);
      throw error;
    }
    this.d.counters.storiesRemoved(removed, 'purge');
    return removed.done;
  }

  /**
   * Settles writes whose outcome was unknown because the database stopped answering: creates that may
   * have landed after their 503 are taken on, removals are counted by what is gone. Cheap when there is
   * nothing to settle; called periodically.
   */
  async settleUnknownWrites(): Promise<void> {
    if (this.unsettled.size) {
      const ids = this.unsettled.ids();
      const stored = await this.d.repository.refs(ids);
      const { adopted, dropped, droppedIds } = this.unsettled.settle(ids, new Set(stored.keys()), this.d.clock.now());
      for (const { doc, release } of adopted) this.takeOn(doc, release);
      if (droppedIds.length) await this.d.cluster?.disclaim(droppedIds);
      if (adopted.length || dropped)
        this.d.logger.warn({ adopted: adopted.length, dropped }, 'settled creates that failed while the database was unreachable');
    }
    if (this.d.journal.unsettledCount) {
      await this.d.lock.run(async () => {
        for (const removal of await this.d.journal.settle()) {
          for (const id of removal.goneOpenIds) this.d.processor.forget(id);
          this.d.counters.storiesRemoved(removal, removal.reason);
        }
      });
    }
  }

  /** A story's live figures, if it is Open in this server's memory. */
  liveProgress(id: string): StoryProgressDto | null {
    const live = this.d.processor.progressOf(id);
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
    return doc.status === 'Open' ? this.d.processor.progressOf(doc._id.toHexString()) : null;
  }

  private takeOn(doc: StoryDoc, release: () => void): void {
    this.d.counters.storyCreated();
    this.d.processor.add(toWork(doc), release);
  }

  private removeDoneBatch(reason: 'delete' | 'purge', batch: number, completedBefore?: Date): Promise<number> {
    return this.d.lock.run(() => this.removeDoneBatchUnlocked(reason, batch, completedBefore));
  }

  private async removeDoneBatchUnlocked(reason: 'delete' | 'purge', batch: number, completedBefore?: Date): Promise<number> {
    const refs = await this.d.repository.findDone(batch, completedBefore);
    const removed = await this.d.journal.remove(refs, reason);
    for (const ref of refs) this.done.remove(ref.id);
    this.d.counters.storiesRemoved(removed, reason);
    return removed.done;
  }
}

const notFound = (id: string) =>
  new NotFoundError(isStoryId(id) ? `story '${id}' does not exist` : `'${id}' is not a valid story id (24 hex characters)`);
