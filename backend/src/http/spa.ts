import { existsSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import express, { Router, type Response } from 'express';
import { precompressedFile, precompressedFiles } from './precompressed.js';

/** A file the build names by its content (`outputHashing: all`, 8 base64url characters, e.g. `chunk-Dc__-FmA.js`): never changes. */
const HASHED = /(^|\/)((main|chunk|polyfills|styles|worker|scripts)-[\w-]{8}\.(js|mjs|css)|media\/[^/]+-[\w-]{8}\.\w+)$/;

export const LONG_CACHE = 'public, max-age=31536000, immutable';

/** Cache-Control of a file of the built dashboard: hashed ones for a year, everything else revalidated. */
export function cacheControlFor(staticDir: string, path: string): string {
  return HASHED.test(relative(staticDir, path).split(sep).join('/')) ? LONG_CACHE : 'no-cache';
}

/** Serves the built dashboard, precompressed where accepted; index.html (never cached) for client-side routes. */
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
  // Vary: Accept-Encoding on every coding, so a cache never hands one coding to a client of another.
  const setHeaders = (res: Response, path: string) => {
    res.setHeader('Cache-Control', cacheControlFor(staticDir, path));
    res.vary('Accept-Encoding');
  };
  router.use(precompressedFiles(staticDir, { setHeaders }));
  router.use(express.static(staticDir, { index: false, setHeaders }));
  const clientRoute = /^(?!\/(api|socket\.io|ws)(\/|$)).*/;
  router.get(
    clientRoute,
    (req, _res, next) => next(req.accepts('html') ? undefined : 'route'),
    precompressedFile(staticDir, 'index.html', { setHeaders }),
    (_req, res) => {
      setHeaders(res, index);
      res.sendFile(index);
    },
  );
  return router;
}
