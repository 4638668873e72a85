import cors from 'cors';
import express, { type Express, type RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import type { StoryLimits } from '@storyflow/contracts';
import type { AccessConfig } from '../access/access-policy.js';
import type { TrustProxy } from '../access/client-address.js';
import type { Logger } from '../logger.js';
import type { StoryService } from '../stories/story.service.js';
import { requireOperator, requireRead } from './access.js';
import { declaredLengthGuard } from './body-guard.js';
import type { Metrics } from '../metrics/metrics.js';
import { ApiError, errorHandler, methodNotAllowed, notFoundHandler } from './errors.js';
import { rateLimiter, type RateLimitConfig } from './rate-limit.js';
import { securityHeaders } from './security-headers.js';
import { spaRoutes } from './spa.js';
import { storyRoutes } from './stories.routes.js';
import { systemRoutes, type SystemState } from './system.routes.js';

export interface AppDeps {
  stories: StoryService;
  system: SystemState;
  logger: Logger;
  limits: StoryLimits;
  bodyLimit: string;
  staticDir: string;
  /** False while shutting down: new requests get 503. */
  accepting: () => boolean;
  /** Origins allowed to call POST /api/jobs from a browser (the original client runs on its own origin). */
  legacyCorsOrigins: string[];
  access: AccessConfig;
  metrics: Metrics;
  /** Which hops may report the client address (the project's own nginx). */
  trustProxy: TrustProxy;
  rateLimit: RateLimitConfig;
}

/** Query values named `token` never reach the logs. */
const redactUrl = (url: string) => url.replace(/([?&]token=)[^&]*/gi, '$1[redacted]');

/** The express app alone (no network server), so tests can drive it in-process. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.trustProxy);
  app.use(
    pinoHttp({
      logger: deps.logger,
      autoLogging: { ignore: (req) => req.url === '/api/health' },
      // One short line per request; client mistakes are not server errors. No headers: they carry tokens.
      serializers: {
        req: (req: { method: string; url: string }) => ({ method: req.method, url: redactUrl(req.url) }),
        res: (res: { statusCode: number }) => ({ status: res.statusCode }),
        // The error handler logs real faults with their stack; here the status says enough.
        err: () => undefined,
      },
      // 503s come in floods during an outage, which the database health check reports once.
      customLogLevel: (_req, res, err) =>
        res.statusCode >= 500 && res.statusCode !== 503 ? 'error' : err || res.statusCode >= 400 ? 'warn' : 'debug',
    }),
  );
  app.use(securityHeaders());
  // Latency by route template (never by raw path: ids would make a series each).
  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const route = req.route ? `${req.baseUrl}${String(req.route.path)}` : 'other';
      deps.metrics.request(req.method, route, res.statusCode, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  });
  app.use((req, _res, next) => {
    next(deps.accepting() || req.path === '/api/health' ? undefined : new ApiError(503, 'unavailable', 'Server is shutting down'));
  });

  const read = requireRead(deps.access);
  const mutate = requireOperator(deps.access);
  // Reads that hit the database get a budget too (five times the mutations'): listing is a query.
  const refused = (code: string) => deps.metrics.refused(code);
  const mutationLimit = rateLimiter(deps.rateLimit, 'changes', deps.logger, refused);
  const readLimit = rateLimiter({ perSec: deps.rateLimit.perSec * 5, burst: deps.rateLimit.burst * 5 }, 'reads', deps.logger, refused);

  const api = express.Router();
  api.use(declaredLengthGuard(deps.bodyLimit));
  // Only the original client's endpoint may be cross-origin, and only from the configured origins.
  if (deps.legacyCorsOrigins.length)
    api.use(
      '/jobs',
      cors({
        origin: deps.legacyCorsOrigins.includes('*') ? '*' : deps.legacyCorsOrigins,
        methods: ['POST'],
        allowedHeaders: ['Content-Type', 'Authorization'],
      }) as RequestHandler,
    );
  api.use(systemRoutes(deps.system, deps.limits, deps.access, read, readLimit));
  api.use(storyRoutes(deps.stories, deps.limits, deps.bodyLimit, { read, mutate, mutationLimit, readLimit }));
  api.use(notFoundHandler);
  app.use('/api', api);
  // Prometheus scrapes the backend directly (nginx does not expose it); a viewer token when reads need one.
  app
    .route('/metrics')
    .get(read, async (_req, res) => {
      res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
    })
    .all(methodNotAllowed(['GET']));

  app.use(spaRoutes(deps.staticDir));
  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger, refused));
  return app;
}
