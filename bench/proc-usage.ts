import { execFileSync, execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** CPU and memory of the processes a scenario measures, read from /proc (Linux). */
const CLOCK_TICKS = Number(execSync('getconf CLK_TCK').toString().trim()) || 100;

/** CPU seconds and RSS (MB) of a process and, separately, of its children (the embedded database). */
export function usage(pid: number): { cpuSec: number; rssMb: number; dbCpuSec: number; dbRssMb: number } {
  const one = (p: number) => {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cpuSec = (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
      const rss = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1];
      return { cpuSec, rssMb: Number(rss ?? 0) / 1024 };
    } catch {
      return { cpuSec: 0, rssMb: 0 };
    }
  };
  let children: number[] = [];
  try {
    children = execFileSync('pgrep', ['-P', String(pid)])
      .toString()
      .trim()
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    // none
  }
  const self = one(pid);
  const db = children.map(one).reduce((a, b) => ({ cpuSec: a.cpuSec + b.cpuSec, rssMb: a.rssMb + b.rssMb }), { cpuSec: 0, rssMb: 0 });
  return { cpuSec: self.cpuSec, rssMb: self.rssMb, dbCpuSec: db.cpuSec, dbRssMb: db.rssMb };
}

/** Samples the server's and database's memory every 100 ms; `stop` gives the peak of their sum. */
export function watchMemory(pid: number) {
  let peak = 0;
  let peakServer = 0;
  let peakDb = 0;
  const timer = setInterval(() => {
    const u = usage(pid);
    peak = Math.max(peak, u.rssMb + u.dbRssMb);
    peakServer = Math.max(peakServer, u.rssMb);
    peakDb = Math.max(peakDb, u.dbRssMb);
  }, 100);
  return () => {
    clearInterval(timer);
    return { peakMb: Math.round(peak), serverMb: Math.round(peakServer), databaseMb: Math.round(peakDb) };
  };
}
