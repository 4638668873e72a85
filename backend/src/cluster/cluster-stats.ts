import type { Redis } from 'ioredis';
import { LATENCY_BUCKETS_MS, type InstanceFigures, type StoriesActivity } from '@storyflow/contracts';
import type { Logger } from '../logger.js';
import type { Clock } from '../shared/clock.js';
import { addCounts, CountsSinceLastSeen, noCounts, type Counts } from './instance-counts.js';
import { KEYS } from './keys.js';
import { ClusterSecondSchema, InstanceFiguresSchema, InstanceSecondSchema, readMessage, type InstanceSecond } from './messages.js';
import { Listeners } from '../shared/listeners.js';
import type { AssembledSecond, StoredTotals } from '../shared/stats-second.js';

export type { StoredTotals } from '../shared/stats-second.js';

/** The counts of an instance's own second, as it reports them. */
function ownCounts(second: InstanceSecond): Counts {
  return {
    produced: second.producedPerSec,
    completed: second.completedPerSec,
    removed: second.removedPerSec,
    tasksDone: second.tasksDonePerSec ?? 0,
    latency: second.latencyBuckets ?? noCounts(LATENCY_BUCKETS_MS.length + 1).latency,
  };
}

/**
 * A report with its counted figures replaced by `counts` (what the leader counts for it this second). Its
 * latency sketch describes its own second only: with a late report's latencies counted in, it is dropped
 * (the second's percentiles are then bucket bounds, marked approximate).
 */
function withCounts(second: InstanceSecond, counts: Counts): InstanceSecond {
  const { latencySketch, ...rest } = second;
  const own = second.latencyBuckets ?? [];
  const sameLatencies = counts.latency.length === own.length && counts.latency.every((n, i) => n === own[i]);
  return {
    ...rest,
    producedPerSec: counts.produced,
    completedPerSec: counts.completed,
    removedPerSec: counts.removed,
    tasksDonePerSec: counts.tasksDone,
    latencyBuckets: counts.latency,
    ...(latencySketch && sameLatencies ? { latencySketch } : {}),
  };
}

/** Makes the cluster's second of its instances' reports (stats/ does it, as it does an instance's). */
export type AssembleClusterSecond = (second: {
  t: number;
  reports: InstanceSecond[];
  stored: StoredTotals;
  instances: InstanceFigures[];
}) => AssembledSecond;

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
 * The cluster's live figures through Redis: every instance reports its second with its heartbeat; the leader assembles each
 * second with the database's totals and publishes it; every instance hears it once (ARCHITECTURE.md, "In a cluster").
 */
export class ClusterStats {
  /** The stories stored, by status, as of the last published second (the database's counts). */
  private storedCounts: StoriesActivity['counts'] | null = null;
  private lastPublished = -Infinity;
  private readonly secondListeners = new Listeners<[second: AssembledSecond, speaker: { leader: boolean }]>();
  private timer: unknown;
  private stopped = false;
  private leader = false;
  /** The last second could not be aggregated or published. */
  private failing = false;
  /** The leader's: each instance's totals as of its last report read. */
  private readonly seen = new CountsSinceLastSeen();
  /** This instance's counts since it joined, sent with each report so that a late one is not lost. */
  private sent = noCounts(LATENCY_BUCKETS_MS.length + 1);
  private readonly since: number;

  constructor(
    private readonly options: {
      redis: Redis;
      subscriber: Redis;
      instance: string;
      leaseMs: number;
      /** The cluster's totals now, exact (the database's counts). */
      totals: () => Promise<StoredTotals>;
      assemble: AssembleClusterSecond;
      clock: Clock;
      logger: Logger;
    },
  ) {
    this.since = options.clock.now();
  }

  async start(): Promise<void> {
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

  /** This instance's second: written with its heartbeat and its running totals. */
  async report(second: InstanceSecond): Promise<void> {
    const now = this.options.clock.now();
    this.sent = addCounts(this.sent, ownCounts(second));
    const figures: InstanceFigures = {
      id: this.options.instance,
      poolSize: second.poolSize,
      busyWorkers: second.busyWorkers,
      backlogTasks: second.backlogTasks,
      lastSeen: now,
    };
    const reported: InstanceSecond = { ...second, totals: { ...this.sent, since: this.since } };
    await this.options.redis
      .multi()
      .hset(KEYS.second(second.t), this.options.instance, JSON.stringify(reported))
      .pexpire(KEYS.second(second.t), 120_000)
      .set(KEYS.heartbeat(this.options.instance), '1', 'PX', this.options.leaseMs)
      .hset(KEYS.instances, this.options.instance, JSON.stringify(figures))
      .exec();
  }

  /** Each published second, once, and whether this instance leads (it persists the second and sends its alerts). */
  onSecond(listener: (second: AssembledSecond, speaker: { leader: boolean }) => void): () => void {
    return this.secondListeners.add(listener);
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

  private async aggregate(t: number): Promise<AssembledSecond> {
    const [written, stored, registered] = await Promise.all([
      this.options.redis.hgetall(KEYS.second(t)),
      this.options.totals(),
      this.options.redis.hgetall(KEYS.instances),
    ]);
    const instances = await this.aliveInstances(registered);
    const reported = Object.entries(written).flatMap(([id, json]) => {
      const second = readMessage(InstanceSecondSchema, json, `second of ${id}`, this.options.logger);
      return second ? [{ id, second }] : [];
    });
    // What is new since each instance's last report read: a report too late for its second counts in the next.
    const reports = reported.map(({ id, second }) =>
      second.totals ? withCounts(second, this.seen.take(id, second.totals, ownCounts(second))) : second,
    );
    this.seen.keepOnly(new Set([...instances.map((i) => i.id), ...reported.map((r) => r.id)]));
    return this.options.assemble({ t, reports, stored, instances });
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

  private receive(second: AssembledSecond): void {
    // A second published twice (a leader change) is shown once.
    if (second.sample.t <= this.lastPublished) return;
    this.lastPublished = second.sample.t;
    this.storedCounts = second.activity.counts;
    this.secondListeners.emit(second, { leader: this.leader });
  }
}
