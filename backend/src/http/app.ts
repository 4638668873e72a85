import cors from 'cors';
import express, { type Express, type RequestHandler } from 'express';
import type { Store } from 'express-rate-limit';
import type { StoryLimits } from '@storyflow/contracts';
import type { AccessConfig } from '../access/access-policy.js';
import type { TrustProxy } from '../access/client-address.js';
import type { Logger } from '../logger.js';
import type { StoryEndpoints } from './story-endpoints.js';
import { requireOperator, requireRead } from './access.js';
import { declaredLengthGuard } from './body-guard.js';
import type { Metrics } from '../metrics/metrics.js';
import { ApiError, errorHandler, methodNotAllowed, notFoundHandler } from './errors.js';
import { rateLimiter, type RateLimitConfig } from './rate-limit.js';
import { requestObserver } from './request-observer.js';
import { apiSecurityHeaders, securityHeaders } from './security-headers.js';
import { spaRoutes } from './spa.js';
import { storyRoutes } from './stories.routes.js';
import { systemRoutes, type SystemState } from './system.routes.js';

export interface AppDeps {
  stories: StoryEndpoints;
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
  /** Cluster mode: a store shared by the instances, so the limits hold cluster-wide. */
  rateLimitStore?: (prefix: string) => Store;
}

/** The express app alone (no network server), so tests can drive it in-process. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.trustProxy);
  app.use(requestObserver(deps.logger, deps.metrics));
  // Helmet's full set for the dashboard's pages; a fixed handful for JSON (cheaper, and all JSON needs).
  app.use('/api', apiSecurityHeaders);
  app.use(/^(?!\/api\/)/, securityHeaders());
  app.use((req, _res, next) => {
    next(deps.accepting() || req.path === '/api/health' ? undefined : new ApiError(503, 'unavailable', 'Server is shutting down'));
  });

  const read = requireRead(deps.access);
  const mutate = requireOperator(deps.access);
  // Reads that hit the database get a budget too (five times the mutations'): listing is a query.
  const refused = (code: string) => deps.metrics.refused(code);
  const mutationLimit = rateLimiter(deps.rateLimit, 'changes', deps.logger, refused, deps.rateLimitStore?.('changes'));
  const readLimit = rateLimiter(
    { perSec: deps.rateLimit.perSec * 5, burst: deps.rateLimit.burst * 5 },
    'reads',
    deps.logger,
    refused,
    deps.rateLimitStore?.('reads'),
  );

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
    .get(read, async (req, res) => {
      // `?name=` (repeatable): just those series, for a cheap poll (the benchmark watches completions so).
      const names = [req.query.name].flat().filter((n): n is string => typeof n === 'string');
      const { registry } = deps.metrics;
      const known = names.filter((n) => registry.getSingleMetric(n));
      const text = names.length
        ? (await Promise.all(known.map((n) => registry.getSingleMetricAsString(n)))).join('\n')
        : await registry.metrics();
      res.type(registry.contentType).send(text);
    })
    .all(methodNotAllowed(['GET']));

  app.use(spaRoutes(deps.staticDir));
  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger, refused));
  return app;
}
