import { HISTORY_RANGES, type HistoryRange, type StatsHistoryDto, type StatsSample } from '@storyflow/contracts';
import { Schema, type Connection } from 'mongoose';
import type { DbGate } from '../db/db-gate.js';

/** Seconds of figures kept: twice the longest range the dashboard shows. */
export const HISTORY_KEEP_MS = 2 * 3600_000;

/** One minute of one instance's per-second figures, compactly: `s[second] = [produced, completed, open, completedTotal, pool, busy, backlog, paused]`. */
interface MinuteDoc {
  _id: string;
  minute: Date;
  instance: string;
  s: Record<string, number[]>;
}

const MinuteSchema = new Schema(
  {
    _id: { type: String, required: true },
    minute: { type: Date, required: true },
    instance: { type: String, required: true },
    s: { type: Schema.Types.Mixed, default: {} },
  },
  { collection: 'stats_minutes', versionKey: false, autoCreate: false, minimize: false },
);
MinuteSchema.index({ minute: 1 });

const pack = (s: StatsSample): number[] => [
  s.producedPerSec,
  s.completedPerSec,
  s.open,
  s.completed,
  s.poolSize,
  s.busyWorkers,
  s.backlogTasks,
  s.paused ? 1 : 0,
];

/**
 * The per-second figures, persisted so the dashboard can show the last hour across restarts: a document
 * per minute (and instance), written every few seconds with the seconds since the last write, read back
 * by range and bucketed. A second with no figures (the server was down) stays absent: a gap.
 */
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
      await this.db.run(() =>
        this.Minute.bulkWrite(
          [...byMinute].map(([minute, samples]) => ({
            updateOne: {
              filter: { _id: `${minute}:${this.instance}` },
              update: {
                $set: Object.fromEntries(samples.map((s) => [`s.${((s.t - minute) / 1000) | 0}`, pack(s)])),
                $setOnInsert: { minute: new Date(minute), instance: this.instance },
              },
              upsert: true,
            },
          })),
          { ordered: false },
        ),
      );
    } catch (error) {
      this.pending = [...batch, ...this.pending];
      throw error;
    }
  }

  /** Drops minutes older than the retention. */
  async trim(now: number): Promise<void> {
    await this.db.run(() => this.Minute.deleteMany({ minute: { $lt: new Date(now - HISTORY_KEEP_MS) } }).exec());
  }

  /** The range ending now, in buckets of the range's step; instances are summed (their gauges too). */
  async range(range: HistoryRange, now: number): Promise<StatsHistoryDto> {
    const { seconds, stepSec } = HISTORY_RANGES[range];
    const stepMs = stepSec * 1000;
    const to = now - (now % stepMs);
    const from = to - seconds * 1000;
    const docs = await this.db.run(() =>
      this.Minute.find({ minute: { $gte: new Date(from - (from % 60_000)), $lt: new Date(to) } })
        .lean<MinuteDoc[]>()
        .exec(),
    );
    // Per second: the instances' figures summed; then per bucket: rates averaged, gauges from its last second.
    const perSecond = new Map<number, number[]>();
    for (const doc of docs) {
      const minute = new Date(doc.minute).getTime();
      for (const [i, values] of Object.entries(doc.s)) {
        const t = minute + Number(i) * 1000;
        if (t < from || t >= to) continue;
        const sum = perSecond.get(t);
        if (!sum) perSecond.set(t, [...values]);
        else for (let k = 0; k < values.length; k++) sum[k] = k === 7 ? Math.max(sum[k]!, values[k]!) : sum[k]! + values[k]!;
      }
    }
    const buckets = new Map<number, { t: number; n: number; produced: number; completed: number; last: number[]; lastT: number }>();
    for (const [t, v] of perSecond) {
      const start = t - (t % stepMs);
      const b = buckets.get(start) ?? { t: start, n: 0, produced: 0, completed: 0, last: v, lastT: -1 };
      b.n++;
      b.produced += v[0]!;
      b.completed += v[1]!;
      if (t > b.lastT) {
        b.last = v;
        b.lastT = t;
      }
      buckets.set(start, b);
    }
    const points: StatsSample[] = [...buckets.values()]
      .sort((a, b) => a.t - b.t)
      .map((b) => ({
        t: b.t,
        producedPerSec: round(b.produced / b.n),
        completedPerSec: round(b.completed / b.n),
        open: b.last[2]!,
        completed: b.last[3]!,
        poolSize: b.last[4]!,
        busyWorkers: b.last[5]!,
        backlogTasks: b.last[6]!,
        paused: b.last[7] === 1,
      }));
    return { range, stepSec, from, to, points };
  }
}

const round = (x: number) => Math.round(x * 100) / 100;
