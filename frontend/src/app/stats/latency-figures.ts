import { latencyOverRange, type LatencyPercentiles } from '@storyflow/contracts/latency';
import type { StatsSample } from '@storyflow/contracts/stats';

/** Story latency now: the latest second with Done stories (exact), and the window's (within 1 %, or bucket bounds marked approximate). */
export function latencyFigures(samples: readonly StatsSample[]): { second: LatencyPercentiles | null; window: LatencyPercentiles | null } {
  const latest = [...samples].reverse().find((s) => s.latency)?.latency ?? null;
  return {
    second: latest && { count: latest.count, p50: latest.p50, p95: latest.p95, p99: latest.p99 },
    window: latencyOverRange(samples.map((s) => s.latency)),
  };
}
