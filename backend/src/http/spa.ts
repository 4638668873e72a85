import { existsSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import express, { Router, type Response } from 'express';
import { precompressedFile, precompressedFiles } from './precompressed.js';

/**
 * A file the build names by its content (`outputHashing: all`): `main-M6OICQB5.js`, `chunk-Dc__-FmA.js` (the
 * hash is 8 characters of base64url), `styles-….css`, `worker-….js`, `media/…-<hash>.<ext>`. Such a file
 * never changes: cached for a year.
 */
const HASHED = /(^|\/)((main|chunk|polyfills|styles|worker|scripts)-[\w-]{8}\.(js|mjs|css)|media\/[^/]+-[\w-]{8}\.\w+)$/;

export const LONG_CACHE = 'public, max-age=31536000, immutable';

/** Cache-Control of a file of the built dashboard: hashed ones for a year, everything else revalidated. */
export function cacheControlFor(staticDir: string, path: string): string {
  return HASHED.test(relative(staticDir, path).split(sep).join('/')) ? LONG_CACHE : 'no-cache';
}

/**
 * Serves the built dashboard: hashed assets cached for a year, index.html never cached, and
 * index.html for client-side routes such as /stories. Each file as the build precompressed it (brotli or
 * gzip, whichever the client accepts, see precompressed.ts), else as it is.
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
  // Every coding of a file carries the same caching headers, and Vary: Accept-Encoding (a cache must not
  // hand the identity copy to a client that gets brotli, nor the other way round).
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
