import { DatabaseUnavailableError, OverloadedError, UnavailableError } from '../shared/errors.js';
import type { BatchItem, BatchOutcome, Idempotency } from '../shared/creates.js';
import type { StoryCommandsDeps } from './command-deps.js';
import { IdempotencyKeyTaken } from './story-errors.js';
import { toWork } from './story.mapper.js';
import type { StoryDoc } from './story.model.js';
import { newStoryDocument, newStoryOf } from './story.repository.js';

/** A story of the batch about to be stored, with its admission reservation once it has one. */
interface Pending {
  index: number;
  doc: StoryDoc;
  release?: () => void;
}

/**
 * Many stories in one request: admitted in one pass (locally, then the cluster's one script), leases in one pipeline, one insert.
 * With an Idempotency-Key each story is keyed `<key>#<position>`: a retry replays those stored and creates only the rest.
 */
export class StoryBatch {
  constructor(
    private readonly deps: StoryCommandsDeps,
    /** Creates in flight (their leases are renewed meanwhile), shared with the single creates. */
    private readonly creating: Set<string>,
  ) {}

  async create(items: BatchItem[], idempotency?: Idempotency): Promise<Map<number, BatchOutcome>> {
    const outcomes = idempotency
      ? await this.replays(
          items.map((item) => item.index),
          idempotency,
        )
      : new Map<number, BatchOutcome>();
    const now = new Date(this.deps.clock.now());
    const random = this.deps.random ?? Math.random;
    const pending: Pending[] = items
      .filter((item) => !outcomes.has(item.index))
      .map(({ index, request }) => {
        const key = idempotency && { key: keyOf(idempotency.key, index), requestHash: idempotency.requestHash };
        return { index, doc: newStoryDocument({ ...newStoryOf(request, random, null, key), createdAt: now }) };
      });
    const admitted = await this.admit(pending, outcomes);
    if (admitted.length) await this.store(admitted, outcomes, idempotency);
    return outcomes;
  }

  /** The stories an earlier attempt of this batch stored (or stored and retention purged since): replays. */
  private async replays(indices: number[], { key, requestHash }: Idempotency): Promise<Map<number, BatchOutcome>> {
    const byKey = new Map(indices.map((index) => [keyOf(key, index), index]));
    const earlier = await this.deps.keys.earlierAttempts([...byKey.keys()], requestHash, this.deps.clock.now());
    const out = new Map<number, BatchOutcome>();
    for (const [k, story] of earlier)
      out.set(byKey.get(k)!, { id: 'stored' in story ? story.stored._id.toHexString() : story.purged.id, replayed: true });
    return out;
  }

  /** Local admission for all in one pass, then the cluster's in one script and the leases in one pipeline. */
  private async admit(pending: Pending[], outcomes: Map<number, BatchOutcome>): Promise<Pending[]> {
    const reservations = this.deps.admission.reserveEach(pending.map((p) => p.doc.tasks.length));
    let admitted: Pending[] = [];
    pending.forEach((p, i) => {
      const r = reservations[i]!;
      if (r instanceof OverloadedError) outcomes.set(p.index, { error: r });
      else admitted.push({ ...p, release: r });
    });
    const { cluster } = this.deps;
    if (!cluster || !admitted.length) return admitted;
    try {
      const refusals = await cluster.admitEach(admitted.map((p) => p.doc.tasks.length));
      admitted = admitted.filter((p, i) => refusals[i] === null || this.refuse(p, outcomes, refusals[i]!));
      const owned = admitted.length ? await cluster.ownEach(admitted.map((p) => idOf(p))) : new Set<string>();
      return admitted.filter(
        (p) => owned.has(idOf(p)) || this.refuse(p, outcomes, new UnavailableError('Could not take ownership of the new story; try again')),
      );
    } catch (error) {
      // Redis away: nothing of the batch is stored (the caller answers 503 for all of it).
      for (const p of admitted) p.release!();
      throw error;
    }
  }

  private refuse(p: Pending, outcomes: Map<number, BatchOutcome>, error: Error): false {
    p.release!();
    outcomes.set(p.index, { error });
    return false;
  }

  /** One insert; each story then counted and committed (stored), or given back (refused). */
  private async store(admitted: Pending[], outcomes: Map<number, BatchOutcome>, idempotency?: Idempotency): Promise<void> {
    const { processor, repository, unsettled, counters, cluster } = this.deps;
    const ids = admitted.map(idOf);
    for (const id of ids) this.creating.add(id);
    // Their tasks run while the insert is in flight; nothing of them is committed before they are stored.
    const running = admitted.map((p) => {
      const r = processor.addWhileStoring(toWork(p.doc), p.release!);
      if (r.startedAt !== null) p.doc.startedAt = new Date(r.startedAt);
      return r;
    });
    let results: (Error | null)[];
    try {
      results = await repository.insertMany(admitted.map((p) => p.doc));
    } catch (error) {
      running.forEach((r) => r.abandon());
      // Outcome unknown: kept, and taken on if it turns out stored (a retry with the key replays it).
      if (error instanceof DatabaseUnavailableError) admitted.forEach((p) => unsettled.add(p.doc, p.release!));
      else {
        admitted.forEach((p) => p.release!());
        await cluster?.disclaim(ids).catch(() => undefined);
      }
      throw error;
    } finally {
      for (const id of ids) this.creating.delete(id);
    }
    const refused: string[] = [];
    const taken: Pending[] = [];
    admitted.forEach((p, i) => {
      const error = results[i];
      if (error === null || error === undefined) {
        counters.storyProduced();
        running[i]!.stored();
        outcomes.set(p.index, { id: idOf(p), replayed: false });
        return;
      }
      running[i]!.abandon();
      p.release!();
      refused.push(idOf(p));
      if (error instanceof IdempotencyKeyTaken) taken.push(p);
      else outcomes.set(p.index, { error });
    });
    if (refused.length) await cluster?.disclaim(refused).catch(() => undefined);
    // A key taken meanwhile: the same batch sent again and racing this one stored it.
    if (taken.length && idempotency) {
      const stored = await this.replays(
        taken.map((p) => p.index),
        idempotency,
      );
      for (const p of taken)
        outcomes.set(
          p.index,
          stored.get(p.index) ?? { error: new UnavailableError('The Idempotency-Key is in use by requests in flight; retry shortly') },
        );
    }
  }
}

const keyOf = (key: string, index: number) => `${key}#${index}`;
const idOf = (p: Pending) => p.doc._id.toHexString();
