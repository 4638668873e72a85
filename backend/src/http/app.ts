import cors from 'cors';
import express, { type Express, type RequestHandler } from 'express';
import type { Store } from 'express-rate-limit';
import { IDEMPOTENCY_KEY_HEADER, IDEMPOTENT_REPLAYED_HEADER, type StoryLimits } from '@storyflow/contracts';
import type { AccessConfig } from '../access/access-policy.js';
import type { TrustProxy } from '../access/client-address.js';
import type { Logger } from '../logger.js';
import { requireOperator, requireOwnHost, requireRead } from './access.js';
import { apiRoutes } from './api-routes.js';
import { declaredLengthGuard } from './body-guard.js';
import type { Metrics } from '../metrics/metrics.js';
import type { AuditEndpoints, StoryEndpoints, SystemState } from './endpoints.js';
import { ApiError, errorHandler, notFoundHandler } from './errors.js';
import { tableRouters } from './express-routes.js';
import { openApiDocument } from './openapi.js';
import { rateLimiter, type RateLimitConfig } from './rate-limit.js';
import { requestObserver } from './request-observer.js';
import { apiSecurityHeaders, securityHeaders } from './security-headers.js';
import { spaRoutes } from './spa.js';
import { storyBudget } from './story-budget.js';
import { pathsServedWhileStopping } from './route.js';
import { routeHandlers } from './route-handlers.js';

export interface AppDeps {
  stories: StoryEndpoints;
  system: SystemState;
  audit: AuditEndpoints;
  logger: Logger;
  limits: StoryLimits;
  bodyLimit: string;
  /** Stories per client address (a batch counts each of its stories). */
  storyRateLimit: RateLimitConfig;
  staticDir: string;
  /** False while shutting down: new requests get 503. */
  accepting: () => boolean;
  /** Origins allowed to call POST /api/jobs from a browser (the original client runs on its own origin). */
  legacyCorsOrigins: string[];
  access: AccessConfig;
  /** Whether `Host` names this server (see access/host-policy.ts); the socket gate asks the same. */
  ownHost: (host: string | undefined) => boolean;
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
  app.use(requireOwnHost(deps.ownHost));
  // Helmet's full set for the dashboard's pages; a fixed handful for JSON (cheaper, and all JSON needs).
  app.use('/api', apiSecurityHeaders);
  app.use(/^(?!\/api\/)/, securityHeaders());
  const table = apiRoutes(deps.limits);
  const stayOpen = pathsServedWhileStopping(table);
  app.use((req, _res, next) => {
    next(deps.accepting() || stayOpen.has(req.path) ? undefined : new ApiError(503, 'unavailable', 'Server is shutting down'));
  });

  // Reads that hit the database get a budget too (five times the mutations'): listing is a query.
  const refused = (code: string) => deps.metrics.refused(code);
  const rateLimits = {
    changes: rateLimiter(deps.rateLimit, 'changes', deps.logger, refused, deps.rateLimitStore?.('changes')),
    reads: rateLimiter(
      { perSec: deps.rateLimit.perSec * 5, burst: deps.rateLimit.burst * 5 },
      'reads',
      deps.logger,
      refused,
      deps.rateLimitStore?.('reads'),
    ),
  };
  const { stories, system, audit, limits, access, metrics } = deps;
  const handlers = routeHandlers({ stories, system, audit, limits, access, metrics, openApi: openApiDocument(table) });
  const routers = tableRouters(table, handlers, {
    viewer: requireRead(access),
    operator: requireOperator(access),
    rateLimits,
    // Creates: a full server refuses before reading the body (see StoryEndpoints.assertRoomFor).
    roomForStory: (_req, _res, next) => {
      stories.assertRoomFor(limits.minTasks);
      next();
    },
    bodyLimit: deps.bodyLimit,
    storyBudget: storyBudget(deps.storyRateLimit, refused),
    crossOrigin: legacyCors(deps.legacyCorsOrigins),
    audit: (entry) => audit.record(entry),
  });

  const api = express.Router();
  api.use(declaredLengthGuard(deps.bodyLimit));
  api.use(routers.api);
  api.use(notFoundHandler);
  app.use('/api', api);
  app.use(routers.root);

  app.use(spaRoutes(deps.staticDir));
  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger, refused));
  return app;
}

/** Only the original client's endpoint may be cross-origin, and only from the configured origins. */
function legacyCors(origins: string[]): ((methods: string[]) => RequestHandler) | undefined {
  if (!origins.length) return undefined;
  return (methods) =>
    cors({
      origin: origins.includes('*') ? '*' : origins,
      methods,
      allowedHeaders: ['Content-Type', 'Authorization', IDEMPOTENCY_KEY_HEADER],
      exposedHeaders: [IDEMPOTENT_REPLAYED_HEADER],
    }) as RequestHandler;
}
