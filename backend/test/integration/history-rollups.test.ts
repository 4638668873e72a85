import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BSON } from 'mongodb';
import type { Connection } from 'mongoose';
import { HISTORY_RANGES, latencySecond, type HistoryRange, type StatsSample } from '@storyflow/contracts';
import { uniqueDbName } from '@storyflow/test-support';
import { connectDatabase } from '../../src/db/connection.js';
import { DbGate } from '../../src/db/db-gate.js';
import { createLogger } from '../../src/logger.js';
import { addSecond, bucketSeconds, storeSecond, type SummedSpan } from '../../src/stats/history-points.js';
import { StoredRollups } from '../../src/stats/history-rollups.js';
import { HistoryStore } from '../../src/stats/history-store.js';
import { History } from '../../src/stats/history.js';
import { testDbUri } from '../support/test-db.js';

/**
 * The persisted history under an injected clock: a day and a bit of seconds (one every 5 minutes: the stand-in scans a collection on
 * each write) recorded, written and rolled up every hour (the writer does it every minute), across midnight and a restart; each range then equals the seconds bucketed directly.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = Date.UTC(2026, 10, 30, 23, 30); // half an hour before midnight
const EVERY_MS = 5 * 60_000;
const PASS_MS = 60 * 60_000;

let connection: Connection;
let gate: DbGate;
const recorded: StatsSample[] = [];

const sampleAt = (t: number): StatsSample => {
  const i = Math.round((t - START) / EVERY_MS);
  return {
    t,
    producedPerSec: i % 9,
    completedPerSec: i % 7,
    open: 50 + (i % 31),
    completed: i * 3,
    poolSize: 8 + (i % 5),
    busyWorkers: i % 8,
    backlogTasks: i % 41,
    paused: i % 97 === 0,
    tasksDonePerSec: i % 23,
    oldestOpenAgeSec: i % 10 === 0 ? null : i % 10,
    ...(i % 3 ? { latency: latencySecond([15 + (i % 40), 300 + (i % 1000), 1234, 5009 + (i % 17)]) } : {}),
  };
};

/** What every range should show: the recorded seconds bucketed directly, as if all were still kept. */
function expected(range: HistoryRange, now: number): StatsSample[] {
  const { seconds, stepSec } = HISTORY_RANGES[range];
  const to = now - (now % (stepSec * 1000));
  const from = to - seconds * 1000;
  const spans = new Map<number, SummedSpan>();
  for (const s of recorded) if (s.t >= from && s.t < to) spans.set(s.t, addSecond(undefined, storeSecond(s)));
  return bucketSeconds(spans, stepSec * 1000);
}

/** The history as a server process holds it: a restart makes new ones over the same database. */
const open = () => new History(new HistoryStore(connection, gate), new StoredRollups(connection, gate));

/** Records from `from` to `to`, with a write and a rollup pass every hour. */
async function run(history: History, from: number, to: number): Promise<void> {
  for (let t = from; t < to; t += EVERY_MS) {
    const sample = sampleAt(t);
    history.record(sample);
    recorded.push(sample);
    if ((t + EVERY_MS) % PASS_MS === 0) {
      await history.flush(t + EVERY_MS);
      await history.maintain(t + EVERY_MS);
    }
  }
}

beforeAll(async () => {
  connection = await connectDatabase(testDbUri(), uniqueDbName('rollups'), 10_000, createLogger({ level: 'silent', pretty: false }));
  gate = new DbGate(10_000);
  await new HistoryStore(connection, gate).ensureIndexes();
  await new StoredRollups(connection, gate).ensureIndexes();
});
afterAll(() => connection?.close());

describe('history rolled up as it ages', () => {
  const end = START + 26 * HOUR;

  it('across an hour, midnight and a restart, every range equals the seconds bucketed directly', async () => {
    const before = open();
    await run(before, START, START + 13 * HOUR + 10 * 60_000);
    // A restart mid-minute: what was recorded is written at the stop; the new process rolls it up with what follows.
    await before.flush(START + 13 * HOUR + 10 * 60_000);
    const after = open();
    await run(after, START + 13 * HOUR + 10 * 60_000, end);
    await after.flush(end);
    await after.maintain(end);
    for (const range of ['1h', '6h', '24h', '7d', '30d', '90d'] as const) {
      const shown = await after.range(range, end);
      expect([range, shown.points]).toEqual([range, expected(range, end)]);
    }
    const day = (await after.range('24h', end)).points;
    expect(day.length).toBe(288); // every 5-minute step of the day has figures
    expect(day.every((p) => !p.latency || p.latency.sketch)).toBe(true); // so a range's percentiles are within 1 %
  });

  it('a second written late (after a database outage) counts in its minute and hour; one older than the seconds kept is dropped', async () => {
    const history = open();
    // Between two recorded seconds of minutes rolled up long ago: within the 2 hours seconds are kept, and before them.
    const late = { ...sampleAt(end - 90 * 60_000), t: end - 90 * 60_000 + 10_000, producedPerSec: 1000 };
    const tooLate = { ...sampleAt(end - 3 * HOUR), t: end - 3 * HOUR + 10_000, producedPerSec: 1000 };
    history.record(late);
    history.record(tooLate);
    recorded.push(late);
    await history.flush(end);
    await history.maintain(end);
    for (const range of ['6h', '24h', '30d'] as const)
      expect([range, (await history.range(range, end)).points]).toEqual([range, expected(range, end)]);
  });

  it('a minute written again between a pass reading it and marking it stays unrolled, for the next pass', async () => {
    const seconds = new HistoryStore(connection, gate);
    const t = end + 30 * DAY;
    seconds.record({ ...sampleAt(START), t });
    await seconds.flush(t);
    const read = await seconds.unrolled(10);
    seconds.record({ ...sampleAt(START), t: t + 1000 });
    await seconds.flush(t);
    await seconds.markRolled(read);
    expect((await seconds.unrolled(10)).map((u) => u.t)).toEqual([t - (t % 60_000)]);
    await seconds.markRolled(await seconds.unrolled(10));
    expect(await seconds.unrolled(10)).toEqual([]);
    await connection.collection('stats_minutes').deleteMany({ minute: { $gte: new Date(t - (t % 60_000)) } });
  });

  it('keeps seconds 2 hours, minutes 8 days and hours 91 days; what it keeps per day is stated in README', async () => {
    const history = open();
    const count = (collection: string, filter = {}) => connection.collection(collection).countDocuments(filter);
    expect(await count('stats_minutes')).toBeLessThanOrEqual(2 * 12 + 1);
    expect(await count('stats_rollups', { res: 'm' })).toBe(26 * 12);
    expect(await count('stats_rollups', { res: 'h' })).toBe(27); // 23:00 of the first day to 01:00 two days on

    // A dense hour (a second every second, each with a latency), for the bytes a day of history takes.
    const hour = end - (end % HOUR) + HOUR;
    for (let t = hour; t < hour + HOUR; t += 1000)
      history.record({ ...sampleAt(START), t, latency: latencySecond([12 + (t % 9), 20 + (t % 31), 300])! });
    await history.flush(hour + HOUR);
    await history.maintain(hour + HOUR);
    const size = async (res: string) => {
      const docs = await connection
        .collection('stats_rollups')
        .find({ res, t: { $gte: new Date(hour) } })
        .toArray();
      return docs.reduce((sum, d) => sum + BSON.calculateObjectSize(d), 0) / docs.length;
    };
    const [minute, hourly] = [await size('m'), await size('h')];
    const perDay = 1440 * minute + 24 * hourly;
    // Printed for README ("Storage"): a busy day of history, rolled up.
    process.stdout.write(
      `history: ${Math.round(minute)} B a minute, ${Math.round(hourly)} B an hour: ${Math.round(perDay / 1024)} KiB a day\n`,
    );
    expect(perDay).toBeLessThan(4 * 1024 * 1024);

    await history.maintain(end + 9 * DAY);
    expect(await count('stats_minutes')).toBe(0);
    expect(await count('stats_rollups', { res: 'm' })).toBe(0);
    await connection.collection('stats_rollups').deleteMany({ t: { $gte: new Date(hour) } }); // not recorded as the rest
    expect((await history.range('90d', end + 9 * DAY)).points).toEqual(expected('90d', end + 9 * DAY));
    await history.maintain(end + 92 * DAY);
    expect(await count('stats_rollups')).toBe(0);
  });
});
