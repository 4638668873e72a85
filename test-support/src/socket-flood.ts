import { resolve } from 'node:path';
import { repoRoot } from './paths.js';
import { startProcess, type ManagedProcess } from './process.js';
import { sleep } from './wait.js';

/** What the flooder sends, as fast as it can (see test-support/bin/socket-flooder.mjs). */
export type FloodKind = 'watch' | 'unknown-event' | 'malformed' | 'ack' | 'namespace' | 'heartbeat';

export interface FloodOutcome {
  /** Frames sent, over every connection. */
  sent: number;
  connections: number;
  /** The `socket:error` payloads it was told. */
  errors: { code: string; message: string }[];
  /** Why each connection ended (socket.io-client's reasons; `still connected` at the end). */
  reasons: string[];
}

export interface SocketFlooder {
  readonly process: ManagedProcess;
  /** Once it is done: the server closed it (without `reconnect`), or its time is up. */
  readonly outcome: Promise<FloodOutcome>;
}

/**
 * A hostile Socket.IO client in a process of its own, so that its CPU is not the measuring process's:
 * `kind` frames as fast as it can for `seconds`; with `reconnect` it comes back each time it is closed.
 */
export function startSocketFlooder(url: string, options: { kind?: FloodKind; seconds?: number; reconnect?: boolean } = {}): SocketFlooder {
  const { kind = 'watch', seconds = 8, reconnect = false } = options;
  const args = [resolve(repoRoot, 'test-support/bin/socket-flooder.mjs'), url, `--kind=${kind}`, `--seconds=${seconds}`];
  const proc = startProcess(process.execPath, reconnect ? [...args, '--reconnect'] : args, { cwd: repoRoot });
  const outcome = proc.exited.then((exit) => {
    const line = proc.output().trim().split('\n').at(-1) ?? '';
    if (exit.code !== 0 || !line.startsWith('{')) throw new Error(`socket flooder failed (${JSON.stringify(exit)}):\n${proc.output()}`);
    return JSON.parse(line) as FloodOutcome;
  });
  return { process: proc, outcome };
}

/** Round trips of `GET url`, ms, one after another (`pauseMs` apart) for `ms`; any status but 200 fails. */
export async function roundTrips(url: string, ms: number, pauseMs = 20): Promise<number[]> {
  const times: number[] = [];
  for (const end = Date.now() + ms; Date.now() < end;) {
    const t0 = performance.now();
    const res = await fetch(url);
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`GET ${url}: ${res.status}`);
    times.push(performance.now() - t0);
    await sleep(pauseMs);
  }
  return times;
}
