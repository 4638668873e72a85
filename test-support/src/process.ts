import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ManagedProcess {
  readonly child: ChildProcess;
  /** Everything it printed so far (stdout and stderr, interleaved). */
  output(): string;
  readonly exited: Promise<Exit>;
  /** Whether it is still running. */
  running(): boolean;
  /** Sends `signal` to its whole process group (so what it spawned goes too). */
  signal(signal: NodeJS.Signals): void;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it exited. */
  stop(graceMs?: number): Promise<Exit>;
}

const live = new Set<ManagedProcess>();
// When the test process exits (normally or through process.exit), no server it started outlives it.
process.once('exit', () => {
  for (const p of live) p.signal('SIGKILL');
});

/**
 * Starts a long-running helper process in its own process group, capturing its output.
 * `echo` also copies the output to this process's stderr (e.g. the bench shows the server's warnings).
 */
export function startProcess(command: string, args: string[], options: SpawnOptions & { echo?: boolean } = {}): ManagedProcess {
  const { echo = false, ...spawnOptions } = options;
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...spawnOptions, detached: true });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    if (echo) process.stderr.write(chunk);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let ended = false;
  let resolveExit: (exit: Exit) => void = () => undefined;
  const exited = new Promise<Exit>((resolve) => (resolveExit = resolve));
  child.once('exit', (code, signal) => {
    ended = true;
    resolveExit({ code, signal });
  });
  // A spawn failure (e.g. a missing binary) emits `error` and no `exit`.
  child.once('error', (error) => {
    output += `\n${String(error)}`;
    if (child.pid === undefined) {
      ended = true;
      resolveExit({ code: null, signal: null });
    }
  });
  const running = () => !ended;
  const managed: ManagedProcess = {
    child,
    output: () => output,
    exited,
    running,
    signal(signal) {
      if (!running() || child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        child.kill(signal);
      }
    },
    async stop(graceMs = 10_000) {
      if (running()) {
        managed.signal('SIGTERM');
        const timer = setTimeout(() => managed.signal('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      return exited;
    },
  };
  live.add(managed);
  void exited.then(() => live.delete(managed));
  return managed;
}
