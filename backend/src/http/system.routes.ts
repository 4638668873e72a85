import { Router, type RequestHandler } from 'express';
import {
  StatsHistoryQuerySchema,
  type HealthDto,
  type HistoryRange,
  type InfoDto,
  type StatsHistoryDto,
  type StatsSnapshot,
  type StoryLimits,
} from '@storyflow/contracts';
import type { AccessConfig } from '../access/access-policy.js';
import { accessRoute } from './access.js';
import { methodNotAllowed } from './errors.js';
import { openApiDocument } from './openapi.js';
import { parseWith } from './validate.js';

export interface SystemState {
  health(): HealthDto;
  snapshot(): StatsSnapshot;
  info(): InfoDto;
  history(range: HistoryRange): Promise<StatsHistoryDto>;
}

export function systemRoutes(
  state: SystemState,
  limits: StoryLimits,
  access: AccessConfig,
  read: RequestHandler,
  readLimit: RequestHandler,
): Router {
  const router = Router();
  const openApi = openApiDocument(limits);
  const getOnly = methodNotAllowed(['GET']);
  router
    .route('/openapi.json')
    .get(read, (_req, res) => {
      res.json(openApi);
    })
    .all(getOnly);
  // The limits this server validates with, so the dashboard's form checks the same ones.
  router
    .route('/limits')
    .get(read, (_req, res) => {
      res.json(limits);
    })
    .all(getOnly);
  router.route('/access').get(accessRoute(access)).all(getOnly);
  // Open to everyone (load balancers, compose healthchecks): it tells nothing about the stories.
  router
    .route('/health')
    .get((_req, res) => {
      const health = state.health();
      res
        .status(health.status === 'ok' ? 200 : 503)
        .set('Cache-Control', 'no-store')
        .json(health);
    })
    .all(getOnly);
  router
    .route('/info')
    .get(read, (_req, res) => {
      res.json(state.info());
    })
    .all(getOnly);
  // The persisted per-second figures, by range (from the database, so rate-limited like other reads).
  router
    .route('/stats/history')
    .get(readLimit, read, async (req, res) => {
      res.json(await state.history(parseWith(StatsHistoryQuerySchema, req.query, 'query').range));
    })
    .all(getOnly);
  // Served from memory (counter cache + history), never from the database.
  router
    .route('/stats')
    .get(read, (_req, res) => {
      res.json(state.snapshot());
    })
    .all(getOnly);
  return router;
}
