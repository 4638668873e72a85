import { Router } from 'express';
import {
  BulkDeleteQuerySchema,
  createLegacyJobSchema,
  createStoryRequestSchemas,
  ListStoriesQuerySchema,
  pickCreateStorySchema,
  type StoryLimits,
} from '@storyflow/contracts';
import { methodNotAllowed } from '../http/errors.js';
import { parseWith, requireJson } from '../http/validate.js';
import type { StoryService } from './story.service.js';

export function storyRoutes(service: StoryService, limits: StoryLimits): Router {
  const createSchemas = createStoryRequestSchemas(limits);
  const legacySchema = createLegacyJobSchema(limits);
  const router = Router();

  router
    .route('/stories')
    .post(requireJson, async (req, res) => {
      const request = parseWith(pickCreateStorySchema(req.body, createSchemas), req.body, 'body');
      res.status(201).json(await service.create(request));
    })
    .get(async (req, res) => {
      res.json(await service.list(parseWith(ListStoriesQuerySchema, req.query, 'query')));
    })
    .delete(async (req, res) => {
      parseWith(BulkDeleteQuerySchema, req.query, 'query');
      res.json(await service.deleteDone());
    })
    .all(methodNotAllowed(['GET', 'POST', 'DELETE']));

  router
    .route('/stories/:id')
    .get(async (req, res) => {
      res.json(await service.get(req.params.id));
    })
    .delete(async (req, res) => {
      res.json(await service.deleteOne(req.params.id));
    })
    .all(methodNotAllowed(['GET', 'DELETE']));

  // The original Go/React client posts its jobs here.
  router
    .route('/jobs')
    .post(requireJson, async (req, res) => {
      const job = parseWith(legacySchema, req.body, 'body');
      res.status(201).json(await service.createFromLegacyJob(job));
    })
    .all(methodNotAllowed(['POST']));

  return router;
}
