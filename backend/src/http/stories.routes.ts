import { Router, type RequestHandler } from 'express';
import {
  BulkActionRequestSchema,
  BulkDeleteQuerySchema,
  ProcessingRequestSchema,
  createLegacyJobSchema,
  createStoryRequestSchemas,
  ListStoriesQuerySchema,
  pickCreateStorySchema,
  type StoryLimits,
} from '@storyflow/contracts';
import type { StoryEndpoints } from './story-endpoints.js';
import { requireJson } from './body-guard.js';
import { methodNotAllowed } from './errors.js';
import { jsonBody, parseWith } from './validate.js';

export interface RouteGuards {
  read: RequestHandler;
  mutate: RequestHandler;
  /** Per-address limits: mutations, and database-backed reads. */
  mutationLimit: RequestHandler;
  readLimit: RequestHandler;
}

export function storyRoutes(service: StoryEndpoints, limits: StoryLimits, bodyLimit: string, guards: RouteGuards): Router {
  const createSchemas = createStoryRequestSchemas(limits);
  const legacySchema = createLegacyJobSchema(limits);
  const body = [requireJson, jsonBody(bodyLimit)];
  // Creates: a full server refuses before reading the body (see StoryService.assertRoomFor).
  const roomForAStory: RequestHandler = (_req, _res, next) => {
    service.assertRoomFor(limits.minTasks);
    next();
  };
  const { read, mutate, mutationLimit, readLimit } = guards;
  const router = Router();

  router
    .route('/stories')
    .post(mutationLimit, mutate, roomForAStory, ...body, async (req, res) => {
      const request = parseWith(pickCreateStorySchema(req.body, createSchemas), req.body, 'body');
      res.status(201).json(await service.create(request));
    })
    .get(readLimit, read, async (req, res) => {
      res.json(await service.list(parseWith(ListStoriesQuerySchema, req.query, 'query')));
    })
    .delete(mutationLimit, mutate, async (req, res) => {
      parseWith(BulkDeleteQuerySchema, req.query, 'query');
      res.json(await service.deleteDone());
    })
    .all(methodNotAllowed(['GET', 'POST', 'DELETE']));

  router
    .route('/stories/bulk')
    .post(mutationLimit, mutate, ...body, async (req, res) => {
      res.json(await service.bulk(parseWith(BulkActionRequestSchema, req.body, 'body')));
    })
    .all(methodNotAllowed(['POST']));

  router
    .route('/stories/:id/rerun')
    .post(mutationLimit, mutate, async (req, res) => {
      res.status(201).json(await service.rerun(req.params.id));
    })
    .all(methodNotAllowed(['POST']));

  router
    .route('/stories/:id')
    .get(readLimit, read, async (req, res) => {
      res.json(await service.get(req.params.id));
    })
    .delete(mutationLimit, mutate, async (req, res) => {
      res.json(await service.deleteOne(req.params.id));
    })
    .all(methodNotAllowed(['GET', 'DELETE']));

  // The original Go/React client posts its jobs here.
  router
    .route('/jobs')
    .post(mutationLimit, mutate, roomForAStory, ...body, async (req, res) => {
      const job = parseWith(legacySchema, req.body, 'body');
      res.status(201).json(await service.createFromLegacyJob(job));
    })
    .all(methodNotAllowed(['POST']));

  // Pause/resume for the whole server: running tasks finish, no new ones start.
  router
    .route('/processing')
    .get(read, (_req, res) => {
      res.json(service.processing());
    })
    .put(mutationLimit, mutate, ...body, async (req, res) => {
      res.json(await service.setPaused(parseWith(ProcessingRequestSchema, req.body, 'body').paused));
    })
    .all(methodNotAllowed(['GET', 'PUT']));

  return router;
}
