import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { freePort } from '@storyflow/backend/free-port';
import { repoRoot } from './paths.js';
import { startProcess, type ManagedProcess } from './process.js';
import { waitFor } from './wait.js';

export interface BackendOptions {
  /** Settings over this process's environment (MONGODB_URI, POOL_MAX, …). */
  env?: Record<string, string>;
  /** Listen here (e.g. to restart on the same address); default: a free port. */
  port?: number;
  /** Copy the server's output to stderr. */
  echo?: boolean;
  /** How long it may take to answer /api/health (default 30 s). */
  startTimeoutMs?: number;
  /** The address it binds (default 127.0.0.1); it is still reached on 127.0.0.1. */
  host?: string;
  /** Another checkout's backend entry (`…/backend/src/main.ts`), e.g. to benchmark an older version. */
  main?: string;
  /** Node flags before the entry (e.g. `--cpu-prof`; some are not allowed in NODE_OPTIONS). */
  nodeArgs?: string[];
}

export interface BackendProcess extends ManagedProcess {
  url: string;
  port: number;
}

/**
 * The compiled server, as production runs it: `@storyflow/backend/main` under the `production` export
 * condition (`dist/main.js`; `default` is the TypeScript source, for Jest and `tsx` in development),
 * read from the package's own `exports`.
 */
function compiledMain(): { main: string; packageDir: string } {
  const manifestPath = createRequire(import.meta.url).resolve('@storyflow/backend/package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { exports?: Record<string, unknown> };
  const entry = manifest.exports?.['./main'];
  const production = typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>)['production'] : undefined;
  if (typeof production !== 'string') throw new Error(`${manifestPath}: exports["./main"] has no "production" entry`);
  return { main: resolve(dirname(manifestPath), production), packageDir: dirname(manifestPath) };
}

/** Builds contracts + backend into dist/ when missing or older than their sources (the script `npm start` runs too). */
function ensureServerBuild(): void {
  execFileSync(process.execPath, [resolve(repoRoot, 'scripts/ensure-server-build.mjs')], { stdio: ['ignore', 'inherit', 'inherit'] });
}

/**
 * The real backend as its own process, compiled, as in production (`node --conditions=production
 * --single-threaded-gc dist/main.js`, what `npm start -w backend` runs; built first if the build is missing or stale), on
 * 127.0.0.1, resolved once `/api/health` answers 200. Fails with the server's output if it exits or never
 * gets healthy.
 */
export async function startBackend(options: BackendOptions = {}): Promise<BackendProcess> {
  const port = options.port ?? (await freePort());
  // Another checkout's sources (an older version, for a benchmark) run through tsx; ours compiled.
  let command: string[];
  let cwd: string;
  if (options.main) {
    command = ['--import', 'tsx', options.main];
    cwd = dirname(options.main);
  } else {
    ensureServerBuild();
    const compiled = compiledMain();
    command = ['--conditions=production', '--single-threaded-gc', compiled.main];
    cwd = compiled.packageDir;
  }
  const proc = startProcess(process.execPath, [...(options.nodeArgs ?? []), ...command], {
    cwd,
    env: { ...process.env, LOG_LEVEL: 'warn', ...options.env, PORT: String(port), HOST: options.host ?? '127.0.0.1' },
    echo: options.echo ?? false,
  });
  // Reached where it listens (a loopback address of its own, e.g. one replica of several), else on 127.0.0.1.
  const reachable = options.host && /^127\./.test(options.host) ? options.host : '127.0.0.1';
  const url = `http://${reachable}:${port}`;
  try {
    await waitForHealth(url, { process: proc, timeoutMs: options.startTimeoutMs ?? 30_000 });
  } catch (error) {
    proc.signal('SIGKILL');
    throw error;
  }
  return Object.assign(proc, { url, port });
}

/** Resolves once `GET {url}/api/health` answers 200; fails at once if `process` exits first. */
export async function waitForHealth(url: string, options: { process?: ManagedProcess; timeoutMs?: number } = {}): Promise<void> {
  const { process: proc, timeoutMs = 30_000 } = options;
  await waitFor(
    async () => {
      if (proc && !proc.running()) throw new Error(`server exited before it was healthy:\n${proc.output()}`);
      return fetch(`${url}/api/health`).then(
        async (res) => (await res.arrayBuffer(), res.ok),
        () => false,
      );
    },
    { timeoutMs, intervalMs: 100, what: `${url}/api/health` },
  );
}
