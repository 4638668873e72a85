import { pino, type Logger } from 'pino';

export type { Logger };

/** JSON logs in production and tests; pretty, human-readable ones in development. */
export function createLogger(options: { level: string; pretty: boolean }): Logger {
  return pino({
    level: options.level,
    base: { app: 'storyflow' },
    ...(options.pretty
      ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,app' } } }
      : {}),
  });
}
