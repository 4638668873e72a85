import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import type { ClientToServerEvents, ServerToClientEvents, StatsSample, StatsSnapshot } from '@storyflow/contracts';
import { referenceStory, waitFor } from '@storyflow/test-support';
import { api } from '../support/http.js';
import { startTestServer } from '../support/test-server.js';

let server: Awaited<ReturnType<typeof startTestServer>>;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

describe('Socket.IO stats', () => {
  it('sends the snapshot on connect and per-second figures that add up', async () => {
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(server.url, { transports: ['websocket'], forceNew: true });
    const samples: StatsSample[] = [];
    try {
      const snapshot = await new Promise<StatsSnapshot>((resolve, reject) => {
        socket.once('stats:snapshot', resolve);
        socket.once('connect_error', reject);
      });
      expect(typeof snapshot.now).toBe('number');
      expect(Array.isArray(snapshot.history)).toBe(true);
      socket.on('stats', (s) => samples.push(s));
      // Start counting from a fresh second, so every story posted below falls into a received sample.
      await waitFor(() => samples.length > 0);
      const baseline = samples.at(-1)!;
      samples.length = 0;

      const N = 30;
      for (let i = 0; i < N; i++) expect((await api(server.url).createStory(referenceStory())).status).toBe(201);
      const last = await waitFor(() => {
        const s = samples.at(-1);
        return s && s.completed - baseline.completed === N && s.open === 0 && s;
      });

      expect(samples.reduce((sum, s) => sum + s.producedPerSec, 0)).toBe(N);
      expect(samples.reduce((sum, s) => sum + s.completedPerSec, 0)).toBe(N);
      expect(last.open).toBe(0);
      expect(last.backlogTasks).toBe(0);
      // One sample per whole second, in order (a stalled event loop may merge two seconds into one sample).
      for (let i = 1; i < samples.length; i++) expect(samples[i]!.t).toBeGreaterThan(samples[i - 1]!.t);
      expect(samples.every((s) => s.t % 1000 === 0)).toBe(true);
      expect(last.poolSize).toBeGreaterThanOrEqual(4);
      // Each second says how long its Done stories took (at least their longest task, ≤ 20 ms here), how
      // many tasks ran, and the oldest Open story's age (none left at the end).
      const latencies = samples.flatMap((s) => (s.latency ? [s.latency] : []));
      expect(latencies.reduce((n, l) => n + l.count, 0)).toBe(N);
      for (const l of latencies) {
        expect(l.p50).toBeGreaterThanOrEqual(10);
        expect(l.p50).toBeLessThanOrEqual(l.p95);
        expect(l.p95).toBeLessThanOrEqual(l.p99);
        expect(l.buckets.reduce((a, b) => a + b, 0)).toBe(l.count);
      }
      expect(samples.reduce((n, s) => n + (s.tasksDonePerSec ?? 0), 0)).toBeGreaterThanOrEqual(N * 20);
      expect(last.oldestOpenAgeSec).toBeNull();

      // The REST snapshot is the same history the socket sent.
      const rest = (await api(server.url).stats()).body;
      expect(rest.history.at(-1)!.t).toBeGreaterThanOrEqual(last.t);
      expect(rest.history.length).toBeLessThanOrEqual(60);
    } finally {
      socket.close();
    }
  });

  it('gives a reconnecting client the history at once', async () => {
    const socket = io(server.url, { transports: ['websocket'], forceNew: true });
    try {
      const snapshot = await new Promise<StatsSnapshot>((resolve) => socket.once('stats:snapshot', resolve));
      expect(snapshot.history.length).toBeGreaterThan(1);
      expect(snapshot.history.at(-1)!.completed).toBeGreaterThanOrEqual(30);
    } finally {
      socket.close();
    }
  });
});

describe('/ws/status (the original client feed)', () => {
  it('sends the completed-per-second count as decimal digits in binary frames', async () => {
    const ws = new WebSocket(server.url.replace('http', 'ws') + '/ws/status');
    const frames: { binary: boolean; text: string }[] = [];
    ws.on('message', (data: Buffer, isBinary: boolean) => frames.push({ binary: isBinary, text: data.toString() }));
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    try {
      await waitFor(() => frames.length >= 1);
      const N = 5;
      for (let i = 0; i < N; i++) await api(server.url).createStory({ tasks: [{ estimate: 10 }] });
      await waitFor(() => frames.reduce((sum, f) => sum + Number(f.text), 0) >= N, { timeoutMs: 15_000 });
      expect(frames.every((f) => f.binary && /^\d+$/.test(f.text))).toBe(true);
      expect(frames.reduce((sum, f) => sum + Number(f.text), 0)).toBe(N);
    } finally {
      ws.close();
    }
  });
});
