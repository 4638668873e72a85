import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uniqueDbName } from '@storyflow/test-support';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startServer, type RunningServer, type ServerHooks } from '../../src/server.js';
import { testDbUri } from './test-db.js';

/** Server settings for a test: the shared database server, a database of its own, no dashboard. */
export function testEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    MONGODB_URI: testDbUri(),
    MONGODB_DB: uniqueDbName('t'),
    STATIC_DIR: mkdtempSync(join(tmpdir(), 'storyflow-static-')),
    ...overrides,
  };
}

/** The real server in-process on a free port, against the shared test database server. */
export async function startTestServer(
  overrides: Record<string, string> = {},
  hooks: ServerHooks = {},
): Promise<RunningServer & { env: Record<string, string> }> {
  const env = testEnv(overrides);
  const config = loadConfig(env);
  const server = await startServer(config, createLogger({ level: config.logLevel, pretty: false }), hooks);
  return { ...server, env };
}
