/**
 * Storyflow benchmark: starts the real server as a child process (default: the offline in-memory
 * database, as `npm start` on a machine without mongod), drives it over HTTP and prints JSON figures.
 *
 *   npm run bench                          # burst + 60 s of reference load
 *   npm run bench -- --duration=600        # the 10-minute offline soak
 *   npm run bench -- --burst=1000 --tasks=50 --duration=0
 *   MONGODB_URI=mongodb://... npm run bench   # against a real MongoDB
 */
import { parseArgs } from 'node:util';
import { io } from 'socket.io-client';
import type { HealthDto, StatsSnapshot, StatsSample, StoryListDto } from '@storyflow/contracts';
import { percentile, referenceIntervalMs, referenceStory, sleep, startBackend } from '@storyflow/test-support';

const { values: args } = parseArgs({
  options: {
    burst: { type: 'string', default: '1000' },
    tasks: { type: 'string', default: '50' },
    duration: { type: 'string', default: '60' },
    concurrency: { type: 'string', default: '16' },
  },
});
const burstStories = Number(args.burst);
const burstTasks = Number(args.tasks);
const durationSec = Number(args.duration);
const concurrency = Number(args.concurrency);

const round = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);
const getJson = async <T>(url: string): Promise<T> => (await fetch(url)).json() as Promise<T>;

async function main() {
  // The server's warnings and errors show on this terminal, the JSON figures on stdout.
  const server = await startBackend({
    env: { LOG_LEVEL: 'warn', NODE_ENV: 'production', EMBEDDED_DB: process.env.EMBEDDED_DB ?? 'memory' },
    echo: true,
  });
  const base = server.url;
  try {
    const health = await getJson<HealthDto>(`${base}/api/health`);
    const samples: StatsSample[] = [];
    const socket = io(base, { transports: ['websocket'] });
    socket.on('stats', (s: StatsSample) => samples.push(s));

    const post = async (body: unknown) => {
      const t0 = performance.now();
      const res = await fetch(`${base}/api/stories`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      await res.arrayBuffer();
      if (res.status !== 201) throw new Error(`POST returned ${res.status}`);
      return performance.now() - t0;
    };
    const lastSample = async () => (await getJson<StatsSnapshot>(`${base}/api/stats`)).history.at(-1);
    const waitIdle = async (completed: number, timeoutMs: number) => {
      const t0 = performance.now();
      for (;;) {
        const s = await lastSample();
        if (s && s.completed >= completed && s.open === 0) return performance.now() - t0;
        if (performance.now() - t0 > timeoutMs) throw new Error(`not idle after ${timeoutMs} ms: ${JSON.stringify(s)}`);
        await sleep(50);
      }
    };

    const result: Record<string, unknown> = { dbMode: health.db.mode, node: process.version };

    if (burstStories > 0) {
      // Burst: N stories of T tasks (10–20 ms), posted by `concurrency` clients; time until all are Done.
      const t0 = performance.now();
      const latencies: number[] = [];
      let next = 0;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < burstStories) {
            next++;
            latencies.push(await post({ taskCount: burstTasks, estimateMin: 10, estimateMax: 20 }));
          }
        }),
      );
      const postedMs = performance.now() - t0;
      const maxPool = () => Math.max(...samples.map((s) => s.poolSize));
      await waitIdle(burstStories, 600_000);
      const totalMs = performance.now() - t0;
      result.burst = {
        stories: burstStories,
        tasksPerStory: burstTasks,
        postAllMs: Math.round(postedMs),
        allDoneMs: Math.round(totalMs),
        storiesPerSec: round(burstStories / (totalMs / 1000)),
        tasksPerSec: Math.round((burstStories * burstTasks) / (totalMs / 1000)),
        postLatencyMs: {
          p50: round(percentile(latencies, 50)),
          p95: round(percentile(latencies, 95)),
          p99: round(percentile(latencies, 99)),
        },
        maxPoolSize: maxPool(),
      };
      await sleep(1500);
    }

    if (durationSec > 0) {
      // Reference load: a story every 50–100 ms, 20–80 tasks of 10–20 ms, like the original client.
      const before = (await lastSample())?.completed ?? 0;
      samples.length = 0;
      const latencies: number[] = [];
      let posted = 0;
      let failed = 0;
      const end = performance.now() + durationSec * 1000;
      while (performance.now() < end) {
        post(referenceStory()).then(
          (ms) => latencies.push(ms),
          () => failed++,
        );
        posted++;
        await sleep(referenceIntervalMs());
      }
      const drainMs = await waitIdle(before + posted - failed, 120_000);
      const steady = samples.slice(Math.min(10, Math.floor(samples.length / 3))); // skip the warm-up
      const pool = steady.map((s) => s.poolSize);
      const done = await getJson<StoryListDto>(`${base}/api/stories?status=Done&limit=100`);
      const storyMs = done.items.map((s) => s.processingMs ?? 0);
      const perMinute = [];
      for (let i = 0; i < samples.length; i += 60) {
        const w = samples.slice(i, i + 60);
        perMinute.push({
          minute: i / 60 + 1,
          produced: w.reduce((a, s) => a + s.producedPerSec, 0),
          completed: w.reduce((a, s) => a + s.completedPerSec, 0),
          maxOpen: Math.max(...w.map((s) => s.open)),
          maxBacklogTasks: Math.max(...w.map((s) => s.backlogTasks)),
          meanPool: round(w.reduce((a, s) => a + s.poolSize, 0) / w.length),
        });
      }
      result.referenceLoad = {
        durationSec,
        posted,
        failed,
        producedPerSec: round(posted / durationSec),
        drainAfterStopMs: Math.round(drainMs),
        poolSize: {
          mean: round(pool.reduce((a, b) => a + b, 0) / pool.length),
          p50: percentile(pool, 50),
          p95: percentile(pool, 95),
          max: Math.max(...pool),
        },
        maxOpenStories: Math.max(...steady.map((s) => s.open)),
        maxBacklogTasks: Math.max(...steady.map((s) => s.backlogTasks)),
        postLatencyMs: {
          p50: round(percentile(latencies, 50)),
          p95: round(percentile(latencies, 95)),
          p99: round(percentile(latencies, 99)),
        },
        storyProcessingMsLast100: { p50: percentile(storyMs, 50), p95: percentile(storyMs, 95), max: Math.max(...storyMs) },
        storedStoriesAtEnd: (await getJson<StoryListDto>(`${base}/api/stories?limit=1`)).total,
        perMinute,
      };
    }
    socket.close();
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
