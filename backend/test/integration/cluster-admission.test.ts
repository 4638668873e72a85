import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { startRedis, type RedisProcess } from '@storyflow/test-support';
import { ClusterAdmission } from '../../src/cluster/cluster-admission.js';
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
