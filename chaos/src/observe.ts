import { readFileSync } from 'node:fs';
import type { HealthDto } from '@storyflow/contracts';

/** One instance's /api/health as read directly (not through nginx), once a second. */
export interface HealthSample {
  at: number;
  instance: number;
  /** HTTP status; 0: no answer within 2 s. */
  status: number;
  db?: 'connected' | 'disconnected';
  redis?: 'connected' | 'unavailable';
}

/** Reads every running instance's health each second (an instance killed by the nemesis is not asked). */
export function sampleHealth(urls: string[], running: (i: number) => boolean): { samples: HealthSample[]; stop(): void } {
  const samples: HealthSample[] = [];
  const timer = setInterval(() => {
    urls.forEach((url, instance) => {
      if (!running(instance)) return;
      const at = Date.now();
      fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2000) })
        .then(async (res) => {
          const body = (await res.json()) as HealthDto;
          samples.push({ at, instance, status: res.status, db: body.db.state, ...(body.redis ? { redis: body.redis.state } : {}) });
        })
        .catch(() => running(instance) && samples.push({ at, instance, status: 0 }));
    });
  }, 1000);
  return { samples, stop: () => clearInterval(timer) };
}

/** Resident memory of a process and its children (nginx's workers), MB; 0 once it is gone. */
export function rssMb(pid: number): number {
  const own = (p: number) => {
    try {
      const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1];
      return kb ? Number(kb) / 1024 : 0;
    } catch {
      return 0;
    }
  };
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    children = [];
  }
  return own(pid) + children.reduce((sum, child) => sum + own(child), 0);
}

/** The peak resident memory of each role's processes (an instance: the largest of them), sampled each second. */
export function samplePeakRss(pids: () => { role: string; pid: number }[]): { peaks: Record<string, number>; stop(): void } {
  const peaks: Record<string, number> = {};
  const timer = setInterval(() => {
    for (const { role, pid } of pids()) peaks[role] = Math.max(peaks[role] ?? 0, Math.round(rssMb(pid)));
  }, 1000);
  return { peaks, stop: () => clearInterval(timer) };
}
