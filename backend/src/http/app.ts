import cors from 'cors';
import express, { type Express } from 'express';
import { pinoHttp } from 'pino-http';
import type { StoryLimits } from '@storyflow/contracts';
import type { Logger } from '../logger.js';
import type { StoryService } from '../stories/story.service.js';
import { storyRoutes } from '../stories/story.routes.js';
import { ApiError, errorHandler, notFoundHandler } from './errors.js';
import { spaRoutes } from './spa.js';
import { systemRoutes, type SystemState } from './system.routes.js';
import { JSON_TYPES } from './validate.js';

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
}

/** The express app alone (no network server), so tests can drive it in-process. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // nginx in front (loopback locally, a private address under docker compose) reports the client.
  app.set('trust proxy', 'loopback, linklocal, uniquelocal');
  app.use(
    pinoHttp({
      logger: deps.logger,
      autoLogging: { ignore: (req) => req.url === '/api/health' },
      // One short line per request; client mistakes are not server errors.
      serializers: {
        req: (req: { method: string; url: string }) => ({ method: req.method, url: req.url }),
        res: (res: { statusCode: number }) => ({ status: res.statusCode }),
      },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'debug'),
    }),
  );
  app.use((req, _res, next) => {
    next(deps.accepting() || req.path === '/api/health' ? undefined : new ApiError(503, 'unavailable', 'Server is shutting down'));
  });

  const api = express.Router();
  // Only the original client's endpoint is cross-origin; the dashboard is same-origin.
  api.use('/jobs', cors({ origin: deps.legacyCorsOrigins.includes('*') ? '*' : deps.legacyCorsOrigins, methods: ['POST'] }));
  // strict: false so a JSON null/string reaches validation, which says what the body must be.
  api.use(express.json({ limit: deps.bodyLimit, strict: false, type: JSON_TYPES }));
  api.use(systemRoutes(deps.system, deps.limits));
  api.use(storyRoutes(deps.stories, deps.limits));
  api.use(notFoundHandler);
  app.use('/api', api);

  app.use(spaRoutes(deps.staticDir));
  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return app;
}
