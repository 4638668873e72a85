/**
 * Engine-only benchmark: the real fair queue, worker pool, autoscaler and processor on real timers, with
 * an instant in-memory store (no database, no HTTP). A million tasks of 10–20 ms on POOL_MAX workers:
 * the ceiling is POOL_MAX ÷ mean task time; prints the fraction of it reached, as JSON.
 *
 *   npm run bench:engine -w backend [-- --tasks=1000000 --pool=1000]
 */
import { parseArgs } from 'node:util';
import { createLogger } from '../src/logger.js';
import { DEFAULT_AUTOSCALER } from '../src/processing/autoscaler.js';
import type { CompletionStore } from '../src/processing/ports.js';
import { createProcessor } from '../src/processing/processor.js';
import { systemClock } from '../src/shared/clock.js';
import { CounterCache } from '../src/stats/counter-cache.js';

const { values: args } = parseArgs({
  options: { tasks: { type: 'string', default: '1000000' }, pool: { type: 'string', default: '1000' } },
});
const totalTasks = Number(args.tasks);
const poolMax = Number(args.pool);

// A seeded workload (mulberry32), so every run is the same: stories of 50 tasks of 10–20 ms.
let seed = 20261127;
const random = () => {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

let completedStories = 0;
const store: CompletionStore = {
  writeProgress: async () => {},
  completeStories: (ids, _mark, _now, onStored) => {
    completedStories += ids.length;
    onStored(ids.length, () => true);
    return Promise.resolve();
  },
};

const { processor } = createProcessor({
  store,
  counters: new CounterCache(),
  clock: systemClock,
  logger: createLogger({ level: 'silent', pretty: false }),
  autoscaler: { ...DEFAULT_AUTOSCALER, min: 4, max: poolMax, targetWaitMs: 10, shrinkCooldownMs: 5000 },
  autoscaleIntervalMs: 250,
  flushIntervalMs: 200,
  progressWriteIntervalMs: 1000,
  admission: { bounds: { tasks: totalTasks + 1, stories: totalTasks } },
});
processor.start();

const TASKS_PER_STORY = 50;
const stories = Math.ceil(totalTasks / TASKS_PER_STORY);
let workMs = 0;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
for (let s = 0; s < stories; s++) {
  const tasks = Array.from({ length: TASKS_PER_STORY }, (_, n) => {
    const estimate = 10 + Math.floor(random() * 11);
    workMs += estimate;
    return { n, estimate, done: false };
  });
  processor.add({ id: `s${s}`, createdAt: Date.now(), tasks });
}
const queuedMs = performance.now() - t0;
await new Promise<void>((resolve) => {
  const check = () => (completedStories >= stories ? resolve() : setTimeout(check, 5));
  check();
});
const elapsedMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
await processor.stop();

const meanTaskMs = workMs / (stories * TASKS_PER_STORY);
const ceiling = poolMax / (meanTaskMs / 1000);
const tasksPerSec = (stories * TASKS_PER_STORY) / (elapsedMs / 1000);
console.log(
  JSON.stringify(
    {
      engine: {
        tasks: stories * TASKS_PER_STORY,
        stories,
        poolMax,
        meanTaskMs: Math.round(meanTaskMs * 100) / 100,
        queueAllMs: Math.round(queuedMs),
        elapsedMs: Math.round(elapsedMs),
        tasksPerSec: Math.round(tasksPerSec),
        ceilingTasksPerSec: Math.round(ceiling),
        ofCeiling: Math.round((tasksPerSec / ceiling) * 1000) / 1000,
        cpuSec: Math.round(((cpu.user + cpu.system) / 1e6) * 10) / 10,
        heapMb: Math.round(process.memoryUsage().heapUsed / 1e6),
      },
    },
    null,
    2,
  ),
);
