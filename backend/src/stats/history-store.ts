import { HISTORY_RANGES, type HistoryRange, type StatsHistoryDto, type StatsSample } from '@storyflow/contracts';
import { Schema, type Connection } from 'mongoose';
import type { DbGate } from '../db/db-gate.js';
import { addSecond, bucketSeconds, storeSecond, type SummedSecond } from './history-points.js';

/** Seconds of figures kept: twice the longest range the dashboard shows. */
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
}

const MinuteSchema = new Schema(
  {
    _id: { type: String, required: true },
    minute: { type: Date, required: true },
    instance: { type: String, required: true },
    s: { type: Schema.Types.Mixed, default: {} },
    l: { type: Schema.Types.Mixed },
    k: { type: Schema.Types.Mixed },
  },
  { collection: 'stats_minutes', versionKey: false, autoCreate: false, minimize: false },
);
MinuteSchema.index({ minute: 1 });

/** The per-second figures, persisted across restarts: a document per minute (and instance); a second without figures is a gap. */
export class HistoryStore {
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

  /** Writes what was recorded since the last flush: one upsert per minute touched (usually one). */
  async flush(): Promise<void> {
    if (!this.pending.length) return;
    const batch = this.pending;
    this.pending = [];
    const byMinute = new Map<number, StatsSample[]>();
    for (const s of batch) {
      const minute = s.t - (s.t % 60_000);
      byMinute.set(minute, [...(byMinute.get(minute) ?? []), s]);
    }
    try {
      await this.db.run((maxTimeMS) =>
        this.Minute.bulkWrite(
          [...byMinute].map(([minute, samples]) => ({
            updateOne: {
              filter: { _id: `${minute}:${this.instance}` },
              update: {
                $set: Object.fromEntries(samples.flatMap((s) => secondFields((s.t - minute) / 1000, s))),
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

  /** The range ending now, in buckets of the range's step; instances are summed (their gauges too). */
  async range(range: HistoryRange, now: number): Promise<StatsHistoryDto> {
    const { seconds, stepSec } = HISTORY_RANGES[range];
    const stepMs = stepSec * 1000;
    const to = now - (now % stepMs);
    const from = to - seconds * 1000;
    const docs = await this.db.run((maxTimeMS) =>
      this.Minute.find({ minute: { $gte: new Date(from - (from % 60_000)), $lt: new Date(to) } })
        .maxTimeMS(maxTimeMS)
        .lean<MinuteDoc[]>()
        .exec(),
    );
    // Per second: the instances' figures summed; then in buckets of the range's step.
    const perSecond = new Map<number, SummedSecond>();
    for (const doc of docs) {
      const minute = new Date(doc.minute).getTime();
      for (const [i, figures] of Object.entries(doc.s)) {
        const t = minute + Number(i) * 1000;
        if (t < from || t >= to) continue;
        const latency = doc.l?.[i];
        const sketch = doc.k?.[i];
        perSecond.set(t, addSecond(perSecond.get(t), { figures, ...(latency ? { latency } : {}), ...(sketch ? { sketch } : {}) }));
      }
    }
    return { range, stepSec, from, to, points: bucketSeconds(perSecond, stepMs) };
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
  ];
}
