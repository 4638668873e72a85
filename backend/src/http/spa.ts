import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { Router } from 'express';

/**
 * Serves the built dashboard: hashed assets cached for a year, index.html never cached, and
 * index.html for client-side routes such as /stories.
 */
export function spaRoutes(staticDir: string): Router {
  const router = Router();
  const index = join(staticDir, 'index.html');
  if (!existsSync(index)) {
    router.get('/', (_req, res) => {
      res
        .status(503)
        .type('text/plain')
        .send(`The dashboard is not built (${index} is missing): run \`npm run build\`, or start with \`npm start\`.`);
    });
    return router;
  }
  router.use(
    express.static(staticDir, {
      index: false,
      setHeaders: (res, path) => {
        const hashed = /[.-][A-Z0-9]{8,}\.(js|css|woff2?|png|svg)$/i.test(path);
        res.setHeader('Cache-Control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    }),
  );
  router.get(/^(?!\/(api|socket\.io|ws)(\/|$)).*/, (req, res, next) => {
    if (!req.accepts('html')) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  return router;
}
