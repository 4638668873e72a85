import type { Redis } from 'ioredis';
import { KEYS } from './keys.js';

const CHUNK = 500;

// Extend the leases that are still ours; returns, for each key, 1 (extended) or 0 (lost).
const RENEW = `
local out = {}
for i, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then
    redis.call('PEXPIRE', key, ARGV[2])
    out[i] = 1
  else
    out[i] = 0
  end
end
return out`;

// Drop the leases that are still ours.
const RELEASE = `
for _, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then redis.call('DEL', key) end
end
return 0`;

/** A story is run only by the instance holding its lease (`SET NX PX`); renewed and released in batches, by scripts naming us. */
export class Leases {
  /** The leases this instance took and has not given back or lost: released at shutdown. */
  private readonly held = new Set<string>();

  constructor(
    private readonly redis: Redis,
    private readonly instance: string,
    private readonly leaseMs: number,
  ) {}

  /** Takes the leases that are free; returns the ids now ours. */
  async acquire(ids: string[]): Promise<string[]> {
    const ours: string[] = [];
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      const pipeline = this.redis.pipeline();
      for (const id of chunk) pipeline.set(KEYS.lease(id), this.instance, 'PX', this.leaseMs, 'NX');
      const results = (await pipeline.exec()) ?? [];
      results.forEach(([error, reply], k) => {
        if (!error && reply === 'OK') ours.push(chunk[k]!);
      });
    }
    for (const id of ours) this.held.add(id);
    return ours;
  }

  /** Extends our leases; returns the ids whose lease is no longer ours (expired and claimed, or gone). */
  async renew(ids: string[]): Promise<string[]> {
    const lost: string[] = [];
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      const results = (await this.redis.eval(RENEW, chunk.length, ...chunk.map(KEYS.lease), this.instance, this.leaseMs)) as number[];
      results.forEach((ok, k) => {
        if (ok !== 1) lost.push(chunk[k]!);
      });
    }
    for (const id of lost) this.held.delete(id);
    return lost;
  }

  async release(ids: string[]): Promise<void> {
    for (const id of ids) this.held.delete(id);
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      await this.redis.eval(RELEASE, chunk.length, ...chunk.map(KEYS.lease), this.instance);
    }
  }

  /** Gives back every lease still held (shutdown: the other instances take the stories on now, not after LEASE_MS). */
  releaseAll(): Promise<void> {
    return this.release([...this.held]);
  }

  /** Of these ids, those whose lease nobody holds (candidates to claim). */
  async unowned(ids: string[]): Promise<string[]> {
    const free: string[] = [];
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      const owners = await this.redis.mget(...chunk.map(KEYS.lease));
      owners.forEach((owner, k) => {
        if (owner === null) free.push(chunk[k]!);
      });
    }
    return free;
  }
}
