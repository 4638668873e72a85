import type { Logger } from './logger.js';

// Errors that belong to one connection (a client went away, sent garbage): the process is fine.
const CONNECTION_ERROR =
  /^(ECONNRESET|EPIPE|ECONNABORTED|ETIMEDOUT|ERR_STREAM_(PREMATURE_CLOSE|DESTROYED|WRITE_AFTER_END)|WS_ERR_\w+|HPE_\w+)$/;

export function isConnectionScoped(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && CONNECTION_ERROR.test(code);
}

/**
 * Last line of defence: an unhandled error is logged. A connection's own is harmless; anything else may have left state
 * inconsistent, so the server shuts down gracefully and exits non-zero. A rejected promise is logged only.
 */
export function installProcessGuards(logger: Logger, shutdown: (reason: string) => void): void {
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'unhandled promise rejection (ignored)');
  });
  process.on('uncaughtException', (error) => {
    if (isConnectionScoped(error)) {
      logger.warn({ err: error }, 'connection error nobody handled (ignored)');
      return;
    }
    logger.fatal({ err: error }, 'uncaught exception: shutting down');
    shutdown('uncaughtException');
  });
}
