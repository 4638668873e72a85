import { randomUUID } from 'node:crypto';
import { Schema, type Connection } from 'mongoose';
import type { DbGate } from '../db/db-gate.js';
import { foldSpans, readSpan, storeSpan, type StoredSpan, type SummedSpan } from './history-points.js';

const DAY_MS = 86_400_000;

/** The rolled-up resolutions: a span per minute kept 8 days (a 7-day range is whole), per hour kept 91 days. */
export const ROLLUPS = {
  m: { ms: 60_000, keepMs: 8 * DAY_MS },
  h: { ms: 3_600_000, keepMs: 91 * DAY_MS },
} as const;
export type Resolution = keyof typeof ROLLUPS;

/** A stored span written since it was last rolled up into the next resolution; `stamp` names that write. */
export interface Unrolled {
  id: string;
  t: number;
  stamp: string;
}

/** Spans of one resolution, and which of them changed since they were last rolled up into the next. */
export interface SpanSource {
  spans(from: number, to: number): Promise<Map<number, SummedSpan>>;
  unrolled(limit: number): Promise<Unrolled[]>;
  /** Marks them rolled up unless written again since (their stamp changed): a late write is rolled up at the next pass. */
  markRolled(items: readonly Unrolled[]): Promise<void>;
}

/** The writes that mark `items` rolled up, each only if not written again since (its stamp unchanged): both levels' rule. */
export const rolledMarks = (items: readonly Unrolled[]) =>
  items.map(({ id, stamp }) => ({ updateOne: { filter: { _id: id, stamp }, update: { $set: { rolled: true } } } }));

/** Spans one pass rolls up at most; the rest wait for the next pass. */
const PASS_LIMIT = 500;

/**
 * Rolls the changed spans of `source` up into spans of `ms`: each touched span is folded again from all its parts, so a pass can be
 * repeated, run by two instances at once, or cut short by a failure, and a late part (written after a database outage) still counts.
 */
export async function rollUpChanged(
  source: SpanSource,
  ms: number,
  write: (spans: Map<number, SummedSpan>) => Promise<void>,
): Promise<number> {
  const changed = await source.unrolled(PASS_LIMIT);
  const starts = [...new Set(changed.map((c) => c.t - (c.t % ms)))].sort((a, b) => a - b);
  const rolled = new Map<number, SummedSpan>();
  for (const start of starts) {
    const parts = await source.spans(start, start + ms);
    if (parts.size) rolled.set(start, foldSpans([...parts].sort((a, b) => a[0] - b[0]).map(([, span]) => span)));
  }
  await write(rolled);
  await source.markRolled(changed);
  return changed.length;
}

interface RollupDoc extends StoredSpan {
  _id: string;
  res: Resolution;
  t: Date;
  rolled?: boolean;
  stamp?: string;
}

const RollupSchema = new Schema(
  {
    _id: { type: String, required: true },
    res: { type: String, enum: Object.keys(ROLLUPS), required: true },
    t: { type: Date, required: true },
    n: { type: Number, required: true },
    figures: { type: [Number], required: true },
    latency: { type: [Number], default: undefined },
    sketch: { type: [Number], default: undefined },
    slow: { type: [Number], default: undefined },
    rolled: { type: Boolean },
    stamp: { type: String },
  },
  { collection: 'stats_rollups', versionKey: false, autoCreate: false },
);
// Ranges and trimming by time; a minute not yet rolled into its hour.
RollupSchema.index({ res: 1, t: 1 });
RollupSchema.index({ res: 1, rolled: 1 });

/** The rolled-up history: one document per minute and per hour of the whole server (instances summed). */
export class StoredRollups {
  private readonly Rollup;

  constructor(
    connection: Connection,
    private readonly db: DbGate,
  ) {
    this.Rollup = connection.model<RollupDoc>('StatsRollup', RollupSchema);
  }

  async ensureIndexes(): Promise<void> {
    await this.db.run(() => this.Rollup.createIndexes());
  }

  /** Writes (or rewrites) spans of `res`; a minute is marked for its hour's next rollup. */
  async write(res: Resolution, spans: ReadonlyMap<number, SummedSpan>): Promise<void> {
    if (!spans.size) return;
    const changed = res === 'm' ? { rolled: false, stamp: randomUUID() } : {};
    await this.db.run((maxTimeMS) =>
      this.Rollup.bulkWrite(
        [...spans].map(([t, span]) => {
          const _id = `${res}:${t}`;
          return {
            replaceOne: { filter: { _id }, replacement: { _id, res, t: new Date(t), ...storeSpan(span), ...changed }, upsert: true },
          };
        }),
        // Mongoose skips an operation that fails validation when unordered: ordered, that fails the write instead.
        { ordered: true, maxTimeMS },
      ),
    );
  }

  /** The spans of `res` in [from, to) folded per step of `stepMs` as they are read (oldest first): one step in memory at a time. */
  async steps(res: Resolution, from: number, to: number, stepMs: number): Promise<Map<number, SummedSpan>> {
    return this.db.run(async (maxTimeMS) => {
      const steps = new Map<number, SummedSpan>();
      let start = NaN;
      let inStep: SummedSpan[] = [];
      const close = () => inStep.length && steps.set(start, foldSpans(inStep));
      const cursor = this.Rollup.find({ res, t: { $gte: new Date(from), $lt: new Date(to) } })
        .sort({ t: 1 })
        .maxTimeMS(maxTimeMS)
        .lean<RollupDoc[]>()
        .cursor();
      for await (const doc of cursor as AsyncIterable<RollupDoc>) {
        const t = new Date(doc.t).getTime();
        if (t - (t % stepMs) !== start) {
          close();
          start = t - (t % stepMs);
          inStep = [];
        }
        inStep.push(readSpan(doc));
      }
      close();
      return steps;
    });
  }

  /** The minutes as a source for the hours. */
  minutes(): SpanSource {
    return {
      spans: (from, to) => this.steps('m', from, to, ROLLUPS.m.ms),
      unrolled: (limit) => this.unrolledMinutes(limit),
      markRolled: (items) => this.markRolled(items),
    };
  }

  /** Drops each resolution's spans older than it is kept. */
  async trim(now: number): Promise<void> {
    for (const res of Object.keys(ROLLUPS) as Resolution[])
      await this.db.run((maxTimeMS) =>
        this.Rollup.deleteMany({ res, t: { $lt: new Date(now - ROLLUPS[res].keepMs) } })
          .maxTimeMS(maxTimeMS)
          .exec(),
      );
  }

  private async unrolledMinutes(limit: number): Promise<Unrolled[]> {
    const docs = await this.db.run((maxTimeMS) =>
      this.Rollup.find({ res: 'm', rolled: false }, { t: 1, stamp: 1 })
        .limit(limit)
        .maxTimeMS(maxTimeMS)
        .lean<Pick<RollupDoc, '_id' | 't' | 'stamp'>[]>()
        .exec(),
    );
    return docs.map((doc) => ({ id: doc._id, t: new Date(doc.t).getTime(), stamp: doc.stamp ?? '' }));
  }

  private async markRolled(items: readonly Unrolled[]): Promise<void> {
    if (!items.length) return;
    await this.db.run((maxTimeMS) => this.Rollup.bulkWrite(rolledMarks(items), { ordered: false, maxTimeMS }));
  }
}
