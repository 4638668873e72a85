import {
  DEFAULT_STORY_LIMITS,
  isStoryId,
  type BulkActionRequest,
  type BulkActionResultDto,
  type CreateStoryRequest,
  type DeleteResultDto,
  type LegacyJobRequest,
  type StoryDto,
} from '@storyflow/contracts';
import { DatabaseUnavailableError, StoryPurgedError, UnavailableError } from '../shared/errors.js';
import { IdempotencyKeyTaken, notFound } from './story-errors.js';
import { StoryBatch } from './story-batch.js';
import { toDto, toWork } from './story.mapper.js';
import { newStoryDocument, newStoryOf, type NewStory } from './story.repository.js';
import type { BatchItem, BatchOutcome, Created, Idempotency } from '../shared/creates.js';
import type { StoryCommandsDeps } from './command-deps.js';

const BULK_BATCH = 500;
/** The title cap is not configurable: the contract's. */
const MAX_TITLE = DEFAULT_STORY_LIMITS.maxTitleLength;

export type { ClusterPeers, StoryCommandsDeps } from './command-deps.js';

/** Writes a client asks for: create (also from the legacy client), run again, delete, in bulk. */
export class StoryCommands {
  /** Creates between taking their lease and being taken on (cluster mode renews those leases too). */
  private readonly creating = new Set<string>();
  private readonly batch: StoryBatch;

  constructor(private readonly deps: StoryCommandsDeps) {
    this.batch = new StoryBatch(deps, this.creating);
  }

  /** Many stories in one request (see StoryBatch): what became of each, by position. */
  createBatch(items: BatchItem[], idempotency?: Idempotency): Promise<Map<number, BatchOutcome>> {
    return this.batch.create(items, idempotency);
  }

  /**
   * Admits, persists, then queues (a 201 survives a crash). With an Idempotency-Key, a request sent again gets the story its first
   * attempt stored (`replayed`), never a second one (ARCHITECTURE.md, "A request creates at most one story").
   */
  async create(request: CreateStoryRequest, idempotency?: Idempotency, externalRef: number | null = null): Promise<Created> {
    const story = newStoryOf(request, this.deps.random ?? Math.random, externalRef, idempotency);
    const earlier = idempotency && (await this.replay(idempotency));
    if (earlier) return earlier;
    // A key found free again (its story deleted, or older than the window) is taken by this request: at most twice.
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        return { story: await this.store(story), replayed: false };
      } catch (error) {
        if (!(error instanceof IdempotencyKeyTaken) || !idempotency) throw error;
        const replay = await this.replay(idempotency);
        if (replay) return replay;
      }
    }
    throw new UnavailableError('The Idempotency-Key is in use by requests in flight; retry shortly');
  }

  /** The story an earlier attempt stored with the key; null if the key is free (again). A purged one is not made again. */
  private async replay({ key, requestHash }: Idempotency): Promise<Created | null> {
    const found = (await this.deps.keys.earlierAttempts([key], requestHash, this.deps.clock.now())).get(key);
    if (!found) return null;
    if (!('stored' in found)) throw new StoryPurgedError(found.purged.id);
    const doc = found.stored;
    const id = doc._id.toHexString();
    return { story: toDto(doc, doc.status === 'Open' ? this.deps.processor.progressOf(id) : null), replayed: true };
  }

  /** Admits, persists, then queues one new story. */
  private async store(story: Omit<NewStory, 'createdAt'>): Promise<StoryDto> {
    const release = this.deps.admission.reserve(story.estimates.length);
    const doc = newStoryDocument({ ...story, createdAt: new Date(this.deps.clock.now()) });
    const id = doc._id.toHexString();
    const { cluster } = this.deps;
    try {
      // In a cluster: within the cluster's bound, and ours before it is stored (no other instance may claim it).
      await cluster?.admit(story.estimates.length, release);
      if (cluster && !(await cluster.own(id))) throw new UnavailableError('Could not take ownership of the new story; try again');
    } catch (error) {
      release();
      throw error;
    }
    this.creating.add(id);
    // Its tasks run while the insert is in flight; nothing of it is committed before it is stored.
    const running = this.deps.processor.addWhileStoring(toWork(doc), release);
    if (running.startedAt !== null) doc.startedAt = new Date(running.startedAt);
    try {
      await this.deps.repository.insert(doc);
    } catch (error) {
      running.abandon();
      // The lease stays with an unsettled create (renewed with our stories) until it is settled.
      if (error instanceof DatabaseUnavailableError) this.deps.unsettled.add(doc, release);
      else {
        release();
        await cluster?.disclaim([id]).catch(() => undefined);
      }
      throw error;
    } finally {
      this.creating.delete(id);
    }
    this.deps.counters.storyProduced();
    running.stored();
    return toDto(doc);
  }

  /** Throws OverloadedError while even a story of `minTasks` would be refused, so a full server answers before reading a body. */
  assertRoomFor(minTasks: number): void {
    this.deps.admission.check(minTasks);
  }

  /** The original client's job: its `id` is a page-local counter, kept only as a reference. */
  createFromLegacyJob(job: LegacyJobRequest, idempotency?: Idempotency): Promise<Created> {
    return this.create({ title: `Job ${job.id}`, tasks: job.tasks.map((task) => ({ estimate: task.estimate })) }, idempotency, job.id);
  }

  /** A new story with the same task estimates (a finished one again, or a copy of a running one). */
  async rerun(id: string): Promise<StoryDto> {
    const doc = isStoryId(id) ? await this.deps.repository.findById(id) : null;
    if (!doc) throw notFound(id);
    const title = `${doc.title ?? `Story ${id.slice(-6)}`} (again)`;
    const created = await this.create({
      title: title.length > MAX_TITLE ? `${title.slice(0, MAX_TITLE - 1)}…` : title,
      tasks: doc.tasks.map((task) => ({ estimate: task.estimate })),
    });
    return created.story;
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

  async deleteOne(id: string): Promise<DeleteResultDto> {
    if (!isStoryId(id)) throw notFound(id);
    const deleted = await this.deps.ledger.removeById(id, async (removed) => {
      this.deps.retention.forget(id);
      // Only once it is gone: if the delete failed, the story keeps running.
      if (removed.open) {
        this.deps.processor.forget(id);
        // Another instance may be running it: it frees its workers when told.
        await this.deps.cluster
          ?.announceDeleted([id])
          .catch((error: unknown) => this.deps.logger.warn({ err: error }, 'could not announce a deletion'));
      }
      this.deps.counters.storiesRemoved(removed, 'delete');
      return removed.open + removed.done;
    });
    if (deleted === null) throw notFound(id);
    return { deleted };
  }

  /** Deletes every Done story, in batches so a large collection never means one huge request. */
  async deleteDone(): Promise<DeleteResultDto> {
    let deleted = 0;
    for (;;) {
      const { refs, removed } = await this.deps.ledger.deleteDone(BULK_BATCH);
      for (const ref of refs) this.deps.retention.forget(ref.id);
      this.deps.counters.storiesRemoved(removed, 'delete');
      deleted += removed.done;
      if (removed.done < BULK_BATCH) return { deleted };
    }
  }

  /** Creates in flight or whose outcome is unknown: their leases are held (and renewed) until they are taken on or settled. */
  heldIds(): string[] {
    return [...this.creating, ...this.deps.unsettled.ids()];
  }
}
