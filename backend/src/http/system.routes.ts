import { Router } from 'express';
import type { HealthDto, StatsSnapshot, StoryLimits } from '@storyflow/contracts';
import { openApiDocument } from './openapi.js';

export interface SystemState {
  health(): HealthDto;
  snapshot(): StatsSnapshot;
}

export function systemRoutes(state: SystemState, limits: StoryLimits): Router {
  const router = Router();
  const openApi = openApiDocument(limits);
  router.get('/openapi.json', (_req, res) => {
    res.json(openApi);
  });
  // The limits this server validates with, so the dashboard's form checks the same ones.
  router.get('/limits', (_req, res) => {
    res.json(limits);
  });
  router.get('/health', (_req, res) => {
    const health = state.health();
    res.status(health.status === 'ok' ? 200 : 503).json(health);
  });
  // Served from memory (counter cache + history), never from the database.
  router.get('/stats', (_req, res) => {
    res.json(state.snapshot());
  });
  return router;
}
