import type { RequestHandler } from 'express';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics/metrics.js';

/** Query values named `token` never reach the logs. */
export const redactUrl = (url: string) => url.replace(/([?&]token=)[^&]*/gi, '$1[redacted]');

/**
 * Each request's access log line and latency metric: 4xx warn, 503 and success debug (the health check reports an outage once).
 * Method, path and status only: headers carry tokens. Not pino-http: it builds a child logger per request.
 */
export function requestObserver(logger: Logger, metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      // By route template (never by raw path: ids would make a series each).
      const route = req.route as { path: string } | undefined;
      metrics.request(req.method, route ? `${req.baseUrl}${route.path}` : 'other', res.statusCode, seconds);
      const status = res.statusCode;
      const level = status >= 500 && status !== 503 ? 'error' : status >= 400 && status !== 503 ? 'warn' : 'debug';
      if (!logger.isLevelEnabled(level) || (status < 400 && req.originalUrl === '/api/health')) return;
      logger[level](
        { req: { method: req.method, url: redactUrl(req.originalUrl) }, res: { status }, responseTimeMs: Math.round(seconds * 1000) },
        'request completed',
      );
    });
    next();
  };
}
