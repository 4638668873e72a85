import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@storyflow/backend/free-port';
import { startProcess, type ManagedProcess } from './process.js';
import { waitFor } from './wait.js';

export const REDIS_SERVER_PATH = '/usr/bin/redis-server';

export interface RedisProcess extends ManagedProcess {
  url: string;
  port: number;
}

/**
 * Debian's redis-server on a free loopback port (or `port`, e.g. to start it again empty where it was),
 * with no persistence and a private working directory; resolved once it accepts connections.
 */
export async function startRedis(options: { port?: number } = {}): Promise<RedisProcess> {
  if (!existsSync(REDIS_SERVER_PATH))
    throw new Error(`${REDIS_SERVER_PATH} not found: install Debian's redis-server (\`apt-get install redis-server\`; .ci/run does)`);
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'storyflow-redis-'));
  const proc = startProcess(
    REDIS_SERVER_PATH,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    {},
  );
  await waitFor(
    () => {
      if (!proc.running()) throw new Error(`redis-server exited:\n${proc.output()}`);
      return /Ready to accept connections/.test(proc.output());
    },
    { timeoutMs: 10_000, what: 'redis-server ready' },
  );
  const stop = proc.stop.bind(proc);
  return Object.assign(proc, {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: async (graceMs?: number) => {
      const exit = await stop(graceMs);
      rmSync(dir, { recursive: true, force: true });
      return exit;
    },
  });
}
