/**
 * One Socket.IO client flooding the server (issue #18's scenario: `stories:watch` with 100 random ids as
 * fast as it can, from a process of its own) while this process times `/api/health` and another client
 * counts the per-second stats: the round trips before, during and after, and the server's memory.
 *
 *   npx tsx bench/socket-flood.ts                                # watch flood, 8 s
 *   npx tsx bench/socket-flood.ts --kind=namespace --reconnect   # kinds: see test-support/bin/socket-flooder.mjs
 *   npx tsx bench/socket-flood.ts --env=SOCKET_EVENTS_PER_SEC=0  # with the frame budget off
 *   npx tsx bench/socket-flood.ts --backend=/other/checkout/backend/src/main.ts
 */
import { parseArgs } from 'node:util';
import { io } from 'socket.io-client';
import { percentile, round, roundTrips, sleep, startBackend, startSocketFlooder, type FloodKind } from '@storyflow/test-support';
import { usage } from './proc-usage.js';

const { values: args } = parseArgs({
  options: {
    kind: { type: 'string', default: 'watch' },
    seconds: { type: 'string', default: '8' },
    reconnect: { type: 'boolean', default: false },
    'after-sec': { type: 'string', default: '15' },
    env: { type: 'string', multiple: true, default: [] },
    backend: { type: 'string' },
  },
});
const env = Object.fromEntries(args.env.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
const floodMs = Number(args.seconds) * 1000;

const figures = (times: number[]) => ({
  n: times.length,
  p50: round(percentile(times, 50)),
  p95: round(percentile(times, 95)),
  p99: round(percentile(times, 99)),
});

/** The server's RSS (MB, from /proc) every 100 ms while `during` runs: its peak and its last value. */
async function rssWhile<T>(pid: number, during: Promise<T>): Promise<{ result: T; peakMb: number; lastMb: number }> {
  let peak = 0;
  let last = 0;
  const timer = setInterval(() => {
    last = usage(pid).rssMb;
    peak = Math.max(peak, last);
  }, 100);
  const result = await during;
  clearInterval(timer);
  return { result, peakMb: Math.round(peak), lastMb: Math.round(last) };
}

/** V8's used heap, MB, from the server's own /metrics (whole: `?name=` reads the default metrics as 0). */
async function heapUsedMb(base: string): Promise<number | null> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('storyflow_nodejs_heap_size_used_bytes'));
  return line ? Math.round(Number(line.slice(line.lastIndexOf(' ') + 1)) / 1e6) : null;
}

const server = await startBackend({ env: { RATE_LIMIT_PER_SEC: '0', ...env }, ...(args.backend ? { main: args.backend } : {}) });
const pid = server.child.pid!;
const watcher = io(server.url, { transports: ['websocket'], forceNew: true });
const stats: number[] = [];
watcher.on('stats', () => stats.push(Date.now()));
try {
  await roundTrips(`${server.url}/api/health`, 2000); // warm-up
  const health = (ms: number) => roundTrips(`${server.url}/api/health`, ms);
  const heapBefore = await heapUsedMb(server.url);
  const before = await rssWhile(pid, health(5000));
  const floodStart = Date.now();
  const flooder = startSocketFlooder(server.url, { kind: args.kind as FloodKind, seconds: floodMs / 1000, reconnect: args.reconnect });
  const during = await rssWhile(pid, health(floodMs));
  const outcome = await flooder.outcome;
  const seen = stats.filter((t) => t >= floodStart && t <= floodStart + floodMs);
  const settled = await rssWhile(pid, sleep(Number(args['after-sec']) * 1000));
  const after = await rssWhile(pid, health(3000));
  console.log(
    JSON.stringify({
      kind: args.kind,
      reconnect: args.reconnect,
      env,
      health: { before: figures(before.result), during: figures(during.result), after: figures(after.result) },
      rssMb: { before: before.lastMb, duringPeak: during.peakMb, after: settled.lastMb },
      heapUsedMb: { before: heapBefore, after: await heapUsedMb(server.url) },
      statsDuringFlood: { received: seen.length, maxGapMs: Math.max(0, ...seen.map((t, i) => (i ? t - seen[i - 1]! : 0))) },
      flooder: {
        sent: outcome.sent,
        connections: outcome.connections,
        toldWhy: outcome.errors.length,
        ended: [...new Set(outcome.reasons)],
      },
    }),
  );
} finally {
  watcher.disconnect();
  await server.stop();
}
