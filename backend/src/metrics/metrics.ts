import { LATENCY_BUCKETS_MS } from '@storyflow/contracts';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** What the gauges read when Prometheus scrapes. */
export interface MetricSources {
  pool: () => { poolSize: number; busyWorkers: number; backlogTasks: number; oldestOpenAt: number | null };
  counters: () => { produced: number; completed: number; open: number };
  openTasks: () => number;
  /** Tasks this instance ran to the end since it started. */
  tasksRun: () => number;
  now: () => number;
  /** The story latency objective (SLO_STORY_P99_MS; 0: none): the histogram is dense around it. */
  latencyObjectiveMs?: number;
}

/** Around an objective, bounds 5–25 % apart: Grafana's histogram_quantile then says within a few % whether it is met. */
const AROUND_OBJECTIVE = [0.8, 0.9, 0.95, 1, 1.05, 1.1, 1.25];

/** The story latency histogram's bounds, in seconds: the contract's, plus a dense band around the objective. */
export function storyDurationBuckets(objectiveMs = 0): number[] {
  const ms = new Set<number>([...LATENCY_BUCKETS_MS, ...(objectiveMs > 0 ? AROUND_OBJECTIVE.map((f) => Math.round(objectiveMs * f)) : [])]);
  return [...ms].sort((a, b) => a - b).map((bound) => bound / 1000);
}

/** Prometheus metrics, one registry per server, fed by the composition root's hooks; gauges are read at scrape time. */
export function createMetrics(sources: MetricSources) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'storyflow_' });
  const httpDuration = new Histogram({
    name: 'storyflow_http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry],
  });
  const storyDuration = new Histogram({
    name: 'storyflow_story_duration_seconds',
    help: 'From a story being accepted to it being stored Done',
    // Fine around the reference load's 10–20 ms floor, then up to a minute, and dense around the objective.
    buckets: storyDurationBuckets(sources.latencyObjectiveMs),
    registers: [registry],
  });
  const dbOperations = new Counter({
    name: 'storyflow_db_operations_total',
    help: 'Database commands sent, by command and collection',
    labelNames: ['command', 'collection'] as const,
    registers: [registry],
  });
  const refusals = new Counter({
    name: 'storyflow_refusals_total',
    help: 'Requests refused, by error code (rate_limited, overloaded, unauthorized, validation_failed, …)',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });
  gauge('storyflow_pool_size', 'Workers in the pool', () => sources.pool().poolSize);
  gauge('storyflow_busy_workers', 'Workers running a task', () => sources.pool().busyWorkers);
  gauge('storyflow_backlog_tasks', 'Tasks waiting for a worker', () => sources.pool().backlogTasks);
  gauge('storyflow_open_tasks', 'Open tasks held (admission control counts these)', () => sources.openTasks());
  gauge('storyflow_tasks_run', 'Tasks this instance ran to the end since it started', () => sources.tasksRun());
  gauge('storyflow_stories_open', 'Open stories', () => sources.counters().open);
  gauge('storyflow_oldest_open_story_age_seconds', 'Age of the oldest Open story held here (0: none)', () => {
    const oldest = sources.pool().oldestOpenAt;
    return oldest === null ? 0 : Math.max(0, (sources.now() - oldest) / 1000);
  });
  // Counters kept by the counter cache: exposed as gauges of cumulative totals (they survive restarts).
  gauge('storyflow_stories_produced', 'Stories accepted, cumulative', () => sources.counters().produced);
  gauge('storyflow_stories_completed', 'Stories completed, cumulative', () => sources.counters().completed);

  return {
    registry,
    /** An HTTP request finished. */
    request(method: string, route: string, status: number, seconds: number): void {
      httpDuration.observe({ method, route, status: String(status) }, seconds);
    },
    storyCompleted(latencySeconds: number): void {
      storyDuration.observe(latencySeconds);
    },
    dbCommand(command: string, collection: string): void {
      dbOperations.inc({ command, collection });
    },
    refused(code: string): void {
      refusals.inc({ code });
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
