import { randomUUID } from 'node:crypto';
import type { StatsSample } from '@storyflow/contracts';
import { Schema, type Connection } from 'mongoose';
import type { DbGate } from '../db/db-gate.js';
import { addSecond, storeSecond, type SummedSpan } from './history-points.js';
import { rolledMarks, type SpanSource, type Unrolled } from './history-rollups.js';

/** Seconds of figures kept: twice the longest range drawn from them (older ones are read from the rollups). */
export const HISTORY_KEEP_MS = 2 * 3600_000;

/** One minute of one instance's per-second figures, compactly (see StoredSecond): `s[second]` its figures, `l[second]` its story latencies. */
interface MinuteDoc {
  _id: string;
  minute: Date;
  instance: string;
  s: Record<string, number[]>;
  l?: Record<string, number[]>;
  /** Per second, its story latencies as a sketch (see StoredSecond). */
  k?: Record<string, number[]>;
  /** Per second, its slowest stories' phases (see StoredSecond). */
  b?: Record<string, number[]>;
  /** False: written since its minute was last rolled up (see rollUpChanged); `stamp` names that write. */
  rolled?: boolean;
  stamp?: string;
}

const MinuteSchema = new Schema(
  {
    _id: { type: String, required: true },
    minute: { type: Date, required: true },
    instance: { type: String, required: true },
    s: { type: Schema.Types.Mixed, default: {} },
    l: { type: Schema.Types.Mixed },
    k: { type: Schema.Types.Mixed },
    b: { type: Schema.Types.Mixed },
    rolled: { type: Boolean },
    stamp: { type: String },
  },
  { collection: 'stats_minutes', versionKey: false, autoCreate: false, minimize: false },
);
MinuteSchema.index({ minute: 1 });
MinuteSchema.index({ rolled: 1 });

/**
 * The per-second figures, persisted across restarts: a document per minute (and instance); a second without figures is a gap.
 * The minute rollups are made from them (SpanSource).
 */
export class HistoryStore implements SpanSource {
  private readonly Minute;
  private pending: StatsSample[] = [];

  constructor(
    connection: Connection,
    private readonly db: DbGate,
    private readonly instance = 'local',
  ) {
    this.Minute = connection.model<MinuteDoc>('StatsMinute', MinuteSchema);
  }

  async ensureIndexes(): Promise<void> {
    await this.db.run(() => this.Minute.createIndexes());
  }

  record(sample: StatsSample): void {
    this.pending.push(sample);
    // While the database is away, keep at most the retention's worth in memory.
    if (this.pending.length > HISTORY_KEEP_MS / 1000) this.pending.shift();
  }

  /**
   * Writes what was recorded since the last flush: one upsert per minute touched (usually one). A minute older than the seconds
   * are kept (held through a long outage) is dropped: its other seconds may be trimmed, and its rollup is folded from what is left.
   */
  async flush(now: number): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    const byMinute = new Map<number, StatsSample[]>();
    for (const s of batch) {
      const minute = s.t - (s.t % 60_000);
      if (minute < now - HISTORY_KEEP_MS) continue;
      byMinute.set(minute, [...(byMinute.get(minute) ?? []), s]);
    }
    if (!byMinute.size) return;
    try {
      await this.db.run((maxTimeMS) =>
        this.Minute.bulkWrite(
          [...byMinute].map(([minute, samples]) => ({
            updateOne: {
              filter: { _id: `${minute}:${this.instance}` },
              update: {
                $set: {
                  ...Object.fromEntries(samples.flatMap((s) => secondFields((s.t - minute) / 1000, s))),
                  rolled: false,
                  stamp: randomUUID(),
                },
                $setOnInsert: { minute: new Date(minute), instance: this.instance },
              },
              upsert: true,
            },
          })),
          { ordered: false, maxTimeMS },
        ),
      );
    } catch (error) {
      this.pending = [...batch, ...this.pending];
      throw error;
    }
  }

  /** Drops minutes older than the retention. */
  async trim(now: number): Promise<void> {
    await this.db.run((maxTimeMS) =>
      this.Minute.deleteMany({ minute: { $lt: new Date(now - HISTORY_KEEP_MS) } })
        .maxTimeMS(maxTimeMS)
        .exec(),
    );
  }

  /** The seconds in [from, to), each summed over the instances that stored it. */
  async spans(from: number, to: number): Promise<Map<number, SummedSpan>> {
    const docs = await this.db.run((maxTimeMS) =>
      this.Minute.find({ minute: { $gte: new Date(from - (from % 60_000)), $lt: new Date(to) } })
        .maxTimeMS(maxTimeMS)
        .lean<MinuteDoc[]>()
        .exec(),
    );
    const perSecond = new Map<number, SummedSpan>();
    for (const doc of docs) {
      const minute = new Date(doc.minute).getTime();
      for (const [i, figures] of Object.entries(doc.s)) {
        const t = minute + Number(i) * 1000;
        if (t < from || t >= to) continue;
        const latency = doc.l?.[i];
        const sketch = doc.k?.[i];
        const slow = doc.b?.[i];
        perSecond.set(
          t,
          addSecond(perSecond.get(t), {
            figures,
            ...(latency ? { latency } : {}),
            ...(sketch ? { sketch } : {}),
            ...(slow ? { slow } : {}),
          }),
        );
      }
    }
    return perSecond;
  }

  /** Minutes written since they were last rolled up (at most `limit`). */
  async unrolled(limit: number): Promise<Unrolled[]> {
    const docs = await this.db.run((maxTimeMS) =>
      this.Minute.find({ rolled: false }, { minute: 1, stamp: 1 })
        .limit(limit)
        .maxTimeMS(maxTimeMS)
        .lean<Pick<MinuteDoc, '_id' | 'minute' | 'stamp'>[]>()
        .exec(),
    );
    return docs.map((doc) => ({ id: doc._id, t: new Date(doc.minute).getTime(), stamp: doc.stamp ?? '' }));
  }

  /** Those minutes are rolled up, unless written again since (their stamp changed). */
  async markRolled(minutes: readonly Unrolled[]): Promise<void> {
    if (!minutes.length) return;
    await this.db.run((maxTimeMS) => this.Minute.bulkWrite(rolledMarks(minutes), { ordered: false, maxTimeMS }));
  }
}

/** The `$set` fields of one second of a minute's document. */
function secondFields(second: number, sample: StatsSample): [string, number[]][] {
  const i = second | 0;
  const stored = storeSecond(sample);
  return [
    [`s.${i}`, stored.figures],
    ...(stored.latency ? [[`l.${i}`, stored.latency] as [string, number[]]] : []),
    ...(stored.sketch ? [[`k.${i}`, stored.sketch] as [string, number[]]] : []),
    ...(stored.slow ? [[`b.${i}`, stored.slow] as [string, number[]]] : []),
  ];
}
