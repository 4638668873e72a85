import type { Redis } from 'ioredis';
import {
  LATENCY_BUCKETS_MS,
  mergeLatency,
  type InstanceFigures,
  type StatsSample,
  type StatsSnapshot,
  type StoriesActivity,
} from '@storyflow/contracts';
import type { Logger } from '../logger.js';
import type { Clock } from '../shared/clock.js';
import { CountsSinceLastSeen, noCounts, type Counts } from './instance-counts.js';
import { KEYS } from './keys.js';
import { ClusterSecondSchema, InstanceFiguresSchema, InstanceSecondSchema, readMessage, type InstanceSecond } from './messages.js';
import { Listeners } from '../shared/listeners.js';

/** The counts of an instance's own second, as it reports them. */
export function ownCounts(second: InstanceSecond): Counts {
  return {
    produced: second.producedPerSec,
    completed: second.completedPerSec,
    removed: second.removedPerSec,
    tasksDone: second.tasksDonePerSec ?? 0,
    latency: second.latencyBuckets ?? noCounts(LATENCY_BUCKETS_MS.length + 1).latency,
  };
}

/**
 * Completes each published second before it is kept and relayed (with the objectives it breaches), told
 * whether this instance leads: every instance sees the same seconds in the same order, so all agree.
 */
export type CompleteSecond = (sample: StatsSample, leader: boolean) => StatsSample;

export interface ClusterSecond {
  sample: StatsSample;
  activity: StoriesActivity;
}

// Become the leader if there is none, or stay it: the leader aggregates and publishes each second.
const LEAD = `
local current = redis.call('GET', KEYS[1])
if current == false then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
if current == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0`;

/**
 * The cluster's live figures. Every instance writes its own second to Redis (`sf:sec:<t>`, a field
 * each) with its heartbeat; one instance, the leader (a Redis key with expiry, taken over when it
 * dies), reads each complete second, sums the instances' figures, adds the totals (counted in the
 * database: exact, whoever wrote what or died before saying so), and publishes the result; every instance relays the published seconds to its dashboards and its
 * /ws/status clients. All dashboards therefore show the very same figures, whichever instance they
 * are connected to.
 */
export class ClusterStats {
  private readonly history: StatsSample[] = [];
  /** The stories stored, by status, as of the last published second (the database's counts). */
  private storedCounts: StoriesActivity['counts'] | null = null;
  private readonly sampleListeners = new Listeners<[StatsSample]>();
  private readonly activityListeners = new Listeners<[StoriesActivity]>();
  private readonly publishedListeners = new Listeners<[second: ClusterSecond, leader: boolean]>();
  private timer: unknown;
  private stopped = false;
  private leader = false;
  /** The last second could not be aggregated or published. */
  private failing = false;
  private complete: CompleteSecond = (sample) => sample;
  /** The leader's: each instance's totals as of its last report read. */
  private readonly seen = new CountsSinceLastSeen();

  constructor(
    private readonly options: {
      redis: Redis;
      subscriber: Redis;
      instance: string;
      leaseMs: number;
      /** The cluster's totals now, exact (the database's counts). */
      totals: () => Promise<{ open: number; completed: number; storedDone: number }>;
      clock: Clock;
      logger: Logger;
      historySeconds: number;
      countersSince: () => number;
    },
  ) {}

  async start(complete?: CompleteSecond): Promise<void> {
    if (complete) this.complete = complete;
    // Alive from the start: the shares of live instances (admission, sockets) count only with a heartbeat.
    await this.options.redis.set(KEYS.heartbeat(this.options.instance), '1', 'PX', this.options.leaseMs);
    await this.options.subscriber.subscribe(KEYS.samples);
    this.options.subscriber.on('message', (channel: string, message: string) => {
      if (channel !== KEYS.samples) return;
      const second = readMessage(ClusterSecondSchema, message, 'cluster second', this.options.logger);
      if (second) this.receive(second);
    });
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    this.options.clock.clearTimeout(this.timer);
  }

  get isLeader(): boolean {
    return this.leader;
  }

  /** The cluster's stored stories by status, as counted for the last published second (null before one). */
  get counts(): StoriesActivity['counts'] | null {
    return this.storedCounts;
  }

  /** This instance's second (from its own sampler): written with its heartbeat. */
  async report(second: InstanceSecond): Promise<void> {
    const now = this.options.clock.now();
    const figures: InstanceFigures = {
      id: this.options.instance,
      poolSize: second.poolSize,
      busyWorkers: second.busyWorkers,
      backlogTasks: second.backlogTasks,
      lastSeen: now,
    };
    await this.options.redis
      .multi()
      .hset(KEYS.second(second.t), this.options.instance, JSON.stringify(second))
      .pexpire(KEYS.second(second.t), 120_000)
      .set(KEYS.heartbeat(this.options.instance), '1', 'PX', this.options.leaseMs)
      .hset(KEYS.instances, this.options.instance, JSON.stringify(figures))
      .exec();
  }

  /** Told each published second, and whether this instance is the leader (which persists it). */
  onPublished(listener: (second: ClusterSecond, leader: boolean) => void): () => void {
    return this.publishedListeners.add(listener);
  }

  onSample(listener: (sample: StatsSample) => void): () => void {
    return this.sampleListeners.add(listener);
  }

  onActivity(listener: (activity: StoriesActivity) => void): () => void {
    return this.activityListeners.add(listener);
  }

  snapshot(): StatsSnapshot {
    return {
      now: this.options.clock.now(),
      history: [...this.history],
      countersSince: this.options.countersSince(),
      instanceId: this.options.instance,
    };
  }

  /** Each second, a little after the boundary (the instances' reports are in): lead or follow. */
  private schedule(): void {
    const now = this.options.clock.now();
    const next = now - (now % 1000) + 1000 + 400;
    this.timer = this.options.clock.setTimeout(() => {
      void this.tick(next - 400 - 1000).finally(() => !this.stopped && this.schedule());
    }, next - now);
  }

  /** Aggregates and publishes second `t` if this instance leads. */
  async tick(t: number): Promise<void> {
    try {
      this.leader = (await this.options.redis.eval(LEAD, 1, KEYS.leader, this.options.instance, 3000)) === 1;
      if (!this.leader) return;
      const second = await this.aggregate(t);
      await this.options.redis.publish(KEYS.samples, JSON.stringify(second));
      if (this.failing) this.options.logger.info('cluster statistics published again');
      this.failing = false;
    } catch (error) {
      // Once per outage: Redis away fails every second, and its health check says so already.
      if (!this.failing) this.options.logger.warn({ err: error }, 'cluster statistics unavailable until Redis answers');
      this.failing = true;
    }
  }

  private async aggregate(t: number): Promise<ClusterSecond> {
    const [reports, totals, instances] = await Promise.all([
      this.options.redis.hgetall(KEYS.second(t)),
      this.options.totals(),
      this.options.redis.hgetall(KEYS.instances),
    ]);
    const alive = await this.aliveInstances(instances);
    const reported = Object.entries(reports).flatMap(([id, json]) => {
      const second = readMessage(InstanceSecondSchema, json, `second of ${id}`, this.options.logger);
      return second ? [{ id, second }] : [];
    });
    const seconds = reported.map((r) => r.second);
    // What is new since each instance's last report read: a report too late for its second counts in the next.
    const counted = reported.map(({ id, second }) =>
      second.totals ? this.seen.take(id, second.totals, ownCounts(second)) : ownCounts(second),
    );
    this.seen.keepOnly(new Set([...alive.map((i) => i.id), ...reported.map((r) => r.id)]));
    const sum = (f: (s: InstanceSecond) => number) => seconds.reduce((n, s) => n + f(s), 0);
    const count = (f: (c: Counts) => number) => counted.reduce((n, c) => n + f(c), 0);
    const oldest = seconds.map((s) => s.oldestOpenAgeSec).filter((age): age is number => typeof age === 'number');
    // The cluster's latencies are its instances' buckets summed: exact counts, bucket-bound percentiles.
    const latency = mergeLatency(counted.map((c) => ({ buckets: c.latency })));
    const sample: StatsSample = {
      t,
      producedPerSec: count((c) => c.produced),
      completedPerSec: count((c) => c.completed),
      open: totals.open,
      completed: totals.completed,
      poolSize: sum((s) => s.poolSize),
      busyWorkers: sum((s) => s.busyWorkers),
      backlogTasks: sum((s) => s.backlogTasks),
      paused: seconds.some((s) => s.paused),
      instances: alive,
      ...(latency ? { latency } : {}),
      tasksDonePerSec: count((c) => c.tasksDone),
      oldestOpenAgeSec: oldest.length ? Math.max(...oldest) : null,
    };
    const activity: StoriesActivity = {
      t,
      created: sample.producedPerSec,
      completed: sample.completedPerSec,
      removed: count((c) => c.removed),
      counts: { Open: totals.open, Done: totals.storedDone },
    };
    return { sample, activity };
  }

  /** Instances with a heartbeat within LEASE_MS, by id; the dead are dropped from the breakdown. */
  private async aliveInstances(instances: Record<string, string>): Promise<InstanceFigures[]> {
    const now = this.options.clock.now();
    const alive: InstanceFigures[] = [];
    const dead: string[] = [];
    for (const [id, json] of Object.entries(instances)) {
      const figures = readMessage(InstanceFiguresSchema, json, `figures of ${id}`, this.options.logger);
      if (figures && figures.id === id && now - figures.lastSeen <= this.options.leaseMs) alive.push(figures);
      else dead.push(id);
    }
    if (dead.length) await this.options.redis.hdel(KEYS.instances, ...dead);
    return alive.sort((a, b) => a.id.localeCompare(b.id));
  }

  private receive(published: ClusterSecond): void {
    const last = this.history.at(-1);
    if (last && published.sample.t <= last.t) return; // a second published twice (leader change): once
    const second = { ...published, sample: this.complete(published.sample, this.leader) };
    this.history.push(second.sample);
    if (this.history.length > this.options.historySeconds) this.history.shift();
    this.storedCounts = second.activity.counts;
    this.publishedListeners.emit(second, this.leader);
    this.sampleListeners.emit(second.sample);
    this.activityListeners.emit(second.activity);
  }
}
