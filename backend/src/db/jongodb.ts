import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { freePort } from '../shared/free-port.js';

export interface RunningDatabase {
  uri: string;
  /** The server's process, when we started one. */
  pid?: number;
  /** Tells `listener` why, if a server we started exits without being stopped. */
  onExit?(listener: (reason: string) => void): void;
  stop(): Promise<void>;
}

const PACKAGE = '@jongodb/memory-server-bin-linux-x64-gnu';

/** Path of the registry-shipped in-memory MongoDB-wire server, or undefined on platforms it does not ship for. */
export function jongodbBinary(): string | undefined {
  try {
    const pkg = createRequire(import.meta.url).resolve(`${PACKAGE}/package.json`);
    const bin = join(dirname(pkg), 'bin', 'jongodb');
    return existsSync(bin) ? bin : undefined;
  } catch {
    return undefined;
  }
}

/** Starts jongodb on a free loopback port; callers pick their own database name. */
export async function startJongodb(options: { port?: number; startTimeoutMs?: number; heapMb?: number } = {}): Promise<RunningDatabase> {
  const bin = jongodbBinary();
  if (!bin) throw new Error(`${PACKAGE} is not installed (it ships for linux-x64 glibc only); set MONGODB_URI instead`);
  const port = options.port ?? (await freePort());
  // A native image: -Xmx caps its heap, else it grows to a quarter of the machine's memory before collecting.
  const heap = options.heapMb ? [`-Xmx${options.heapMb}m`] : [];
  const child = spawn(bin, [...heap, '--host=127.0.0.1', `--port=${port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  // Ready once it prints its URI; that URI names a `test` database, so we build our own without one.
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`jongodb did not start within ${options.startTimeoutMs ?? 15_000} ms: ${output.slice(-500)}`));
    }, options.startTimeoutMs ?? 15_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /JONGODB_URI=(\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stderr?.off('data', onData);
        child.off('exit', onEarlyExit);
        resolve();
      }
    };
    const onEarlyExit = (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(timer);
      reject(new Error(`jongodb exited before it was ready (code ${code}, signal ${signal}): ${output.slice(-500)}`));
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onEarlyExit);
  });
  // Keep draining its output so a chatty server never blocks on a full pipe; its last words say why it died.
  let lastOutput = '';
  const keepTail = (chunk: Buffer) => (lastOutput = (lastOutput + chunk.toString()).slice(-300));
  child.stdout?.on('data', keepTail);
  child.stderr?.on('data', keepTail);
  // Whatever way this process exits (even process.exit after a shutdown timeout), the server goes too.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let stopping = false;
  return {
    uri: `mongodb://127.0.0.1:${port}/`,
    pid: child.pid,
    onExit: (listener) =>
      child.once('exit', (code, signal) => {
        if (stopping) return;
        const how = signal ? `signal ${signal}` : `exit code ${code}`;
        const said = lastOutput.trim().split('\n').at(-1);
        listener(`jongodb pid ${child.pid}, ${how}${said ? `, last output: ${said}` : ''}`);
      }),
    stop: async () => {
      stopping = true;
      process.removeListener('exit', killOnExit);
      await stopChild(child);
    },
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
