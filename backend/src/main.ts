import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { installProcessGuards } from './process-guards.js';
import { startServer, type RunningServer } from './server.js';

// The repository's .env, if any, fills in what the environment does not set.
const envFile = fileURLToPath(new URL('../../.env', import.meta.url));
if (existsSync(envFile)) process.loadEnvFile(envFile);

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (error) {
  // Plain text on stderr: the operator reads it at the terminal (there is no logger config yet).
  process.stderr.write(`storyflow: ${(error as Error).message}\n`);
  process.exit(1);
}
const logger = createLogger({ level: config.logLevel, pretty: config.env === 'development' && process.stdout.isTTY });

let server: RunningServer | null = null;
let exitCode = 0;
let stopping = false;
const shutdown = (reason: string, code = 0) => {
  exitCode = Math.max(exitCode, code);
  if (stopping) return;
  stopping = true;
  logger.info({ reason }, 'shutting down');
  const deadline = setTimeout(() => {
    logger.error({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown took too long; exiting');
    process.exit(1);
  }, config.shutdownTimeoutMs);
  deadline.unref();
  (server?.stop() ?? Promise.resolve()).then(
    () => process.exit(exitCode),
    (error: unknown) => {
      logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    },
  );
};
installProcessGuards(logger, (reason) => shutdown(reason, 1));
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));

// Without its database the server could only answer 503: it exits 1 at once for its supervisor to restart it. While stopping,
// the database leaving first is no emergency (Ctrl+C signals the process group): the stop ends at once.
const exitForGood = (reason: string) => {
  if (stopping) {
    logger.info({ reason }, 'the database stopped with the server: nothing more can be written; exiting');
    process.exit(exitCode);
  }
  logger.fatal({ reason }, 'the database is gone; exiting');
  process.stderr.write(`storyflow: ${reason} Exiting with code 1 so that a supervisor starts it again.\n`);
  process.exit(1);
};

try {
  server = await startServer(config, logger, { onFatal: exitForGood });
} catch (error) {
  logger.fatal({ err: error }, 'storyflow failed to start');
  process.exit(1);
}
