import { Router } from 'express';
import {
  BulkDeleteQuerySchema,
  createLegacyJobSchema,
  createStoryRequestSchemas,
  ListStoriesQuerySchema,
  pickCreateStorySchema,
  type StoryLimits,
} from '@storyflow/contracts';
import { parseWith, requireJson } from '../http/validate.js';
import type { StoryService } from './story.service.js';

export function storyRoutes(service: StoryService, limits: StoryLimits): Router {
  const createSchemas = createStoryRequestSchemas(limits);
  const legacySchema = createLegacyJobSchema(limits);
  const router = Router();

  router.post('/stories', requireJson, async (req, res) => {
    const request = parseWith(pickCreateStorySchema(req.body, createSchemas), req.body, 'body');
    res.status(201).json(await service.create(request));
  });

  // The original Go/React client posts its jobs here.
  router.post('/jobs', requireJson, async (req, res) => {
    const job = parseWith(legacySchema, req.body, 'body');
    res.status(201).json(await service.createFromLegacyJob(job));
  });

  router.get('/stories', async (req, res) => {
    res.json(await service.list(parseWith(ListStoriesQuerySchema, req.query, 'query')));
  });

  router.get('/stories/:id', async (req, res) => {
    res.json(await service.get(req.params.id));
  });

  router.delete('/stories/:id', async (req, res) => {
    res.json(await service.deleteOne(req.params.id));
  });

  router.delete('/stories', async (req, res) => {
    parseWith(BulkDeleteQuerySchema, req.query, 'query');
    res.json(await service.deleteDone());
  });

  return router;
}
