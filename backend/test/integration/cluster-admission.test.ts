import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { startRedis, type RedisProcess } from '@storyflow/test-support';
import { ClusterAdmission } from '../../src/cluster/cluster-admission.js';
import { ClusterConnectionBudget } from '../../src/cluster/cluster-sockets.js';
import { KEYS } from '../../src/cluster/keys.js';
import { RedisGate } from '../../src/cluster/redis-gate.js';
import type { RedisHealth } from '../../src/cluster/redis-health.js';
import { OverloadedError } from '../../src/shared/errors.js';

/** The cluster's shared admission bound against a real Redis: what the heartbeat publishes while creates are in flight. */
let server: RedisProcess;
let redis: Redis;

beforeAll(async () => {
  server = await startRedis();
  redis = new Redis(server.url);
});
afterAll(async () => {
  redis?.disconnect();
  await server?.stop();
});

// Redis answers throughout here: the gate only adds its deadline.
const gate = new RedisGate({ available: true } as RedisHealth);
const share = async (instance: string) => Number(await redis.hget(KEYS.held, instance));

describe('ClusterAdmission', () => {
  it('never publishes a reservation the cluster refuses, even when the heartbeat runs while it is in flight', async () => {
    await redis.flushall();
    await redis.set(KEYS.heartbeat('a'), '1');
    await redis.set(KEYS.heartbeat('b'), '1');
    const a = new ClusterAdmission(redis, gate, 'a', 1500);
    const b = new ClusterAdmission(redis, gate, 'b', 1500);
    let heldOnB = 0;
    await a.reserve(1000, () => undefined);
    // B reserves 1,000 locally, asks the cluster, and its heartbeat fires before the answer.
    heldOnB += 1000;
    const refused = b.reserve(1000, () => (heldOnB -= 1000));
    const heartbeat = b.sync(heldOnB);
    await expect(refused).rejects.toThrow(OverloadedError);
    await heartbeat;
    expect(heldOnB).toBe(0);
    expect(await share('b')).toBe(0);
    // …so a small story still fits the cluster's bound, and the next heartbeat agrees.
    heldOnB += 1;
    await b.reserve(1, () => (heldOnB -= 1));
    await b.sync(heldOnB);
    expect([await share('a'), await share('b')]).toEqual([1000, 1]);
  });

  it("admits a batch's stories in one pass, in order: each that fits, and the share moves by exactly those", async () => {
    await redis.flushall();
    await redis.set(KEYS.heartbeat('a'), '1');
    await redis.set(KEYS.heartbeat('b'), '1');
    const a = new ClusterAdmission(redis, gate, 'a', 1000);
    const b = new ClusterAdmission(redis, gate, 'b', 1000);
    await a.reserve(500, () => undefined);
    expect((await b.reserveEach([300, 300, 150, 60])).map((r) => r === null)).toEqual([true, false, true, false]);
    expect([await share('a'), await share('b')]).toEqual([500, 450]);
    // Nothing fits: nothing moves.
    expect((await b.reserveEach([51, 100])).map((r) => r === null)).toEqual([false, false]);
    expect(await share('b')).toBe(450);
  });

  it('keeps a reservation that lands while a heartbeat is in flight, and then repairs the share outright', async () => {
    await redis.flushall();
    await redis.set(KEYS.heartbeat('b'), '1');
    const b = new ClusterAdmission(redis, gate, 'b', 1500);
    await b.reserve(10, () => undefined);
    await b.sync(10);
    // Ten tasks finish here while 20 more are being reserved: the heartbeat must not overwrite the 20.
    const admitted = b.reserve(20, () => undefined);
    const heartbeat = b.sync(20);
    await Promise.all([admitted, heartbeat]);
    expect(await share('b')).toBe(20);
    // A drifted share (say, a reservation whose answer was lost) is set right by a heartbeat with nothing in flight.
    await redis.hset(KEYS.held, 'b', 999);
    await b.sync(20);
    expect(await share('b')).toBe(20);
  });
});

describe('ClusterConnectionBudget', () => {
  const sockets = async (client: string, instance: string) => Number((await redis.hget(KEYS.sockets(client), instance)) ?? 0);

  it('repairs its count in Redis: a release lost while Redis was away, or a reservation that landed late', async () => {
    await redis.flushall();
    await redis.set(KEYS.heartbeat('a'), '1');
    const budget = new ClusterConnectionBudget(redis, gate, 'a', 5);
    const releases = await Promise.all([1, 2, 3].map(() => budget.acquire('10.0.0.7')));
    expect(await sockets('10.0.0.7', 'a')).toBe(3);
    // Redis away for a moment: two sockets close, their decrements never arrive; a late reservation lands.
    releases[0]!();
    releases[1]!();
    await redis.hset(KEYS.sockets('10.0.0.7'), 'a', 4);
    await budget.sync();
    expect(await sockets('10.0.0.7', 'a')).toBe(1);
    // The client's last socket closes and its count drifts once more: still put right.
    releases[2]!();
    await redis.hset(KEYS.sockets('10.0.0.7'), 'a', 2);
    await budget.sync();
    expect(await sockets('10.0.0.7', 'a')).toBe(0);
    // So the client is not refused for sockets it does not hold.
    const again = await Promise.all([1, 2, 3, 4, 5].map(() => budget.acquire('10.0.0.7')));
    expect(again.every((r) => r !== null)).toBe(true);
    expect(await budget.acquire('10.0.0.7')).toBeNull();
  });

  it('admits locally, within the per-client cap, while Redis is away', async () => {
    const away = new RedisGate({ available: false } as RedisHealth);
    const budget = new ClusterConnectionBudget(redis, away, 'a', 2);
    expect(await budget.acquire('10.0.0.8')).not.toBeNull();
    expect(await budget.acquire('10.0.0.8')).not.toBeNull();
    expect(await budget.acquire('10.0.0.8')).toBeNull();
  });
});
