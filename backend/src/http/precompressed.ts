import { stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** Content codings the dashboard build writes next to each asset (frontend/scripts/precompress.mjs). */
export type ContentCoding = 'br' | 'gzip';

const SUFFIX: Record<ContentCoding, string> = { br: '.br', gzip: '.gz' };
/** On a tie of the client's q-values: brotli first (smaller). */
const SERVER_ORDER: readonly ContentCoding[] = ['br', 'gzip'];

/** The codings `acceptEncoding` allows, best first (q-value, then brotli); unnamed ones take `*`'s q; identity is the fallback. */
export function acceptableCodings(acceptEncoding: string | undefined): ContentCoding[] {
  if (!acceptEncoding) return [];
  const q = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = qParam === undefined ? 1 : Number(qParam.slice(2));
    q.set(name.trim(), Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0);
  }
  const of = (coding: ContentCoding) => q.get(coding) ?? (coding === 'gzip' ? q.get('x-gzip') : undefined) ?? q.get('*') ?? 0;
  return SERVER_ORDER.filter((c) => of(c) > 0).sort((a, b) => of(b) - of(a) || SERVER_ORDER.indexOf(a) - SERVER_ORDER.indexOf(b));
}

/** `urlPath` (decoded) as a path under the static root, or null for anything that could leave it or names a dotfile. */
function relativeFile(urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.endsWith('/')) return null;
  const relative = normalize(`.${sep}${decoded}`).replace(/^[/\\]+/, '');
  if (relative === '' || relative === '.' || relative.split(/[/\\]/).some((segment) => segment.startsWith('.'))) return null;
  return relative;
}

export interface PrecompressedOptions {
  /** Headers of the file whatever its coding (Cache-Control). */
  setHeaders: (res: Response, path: string) => void;
}

/**
 * Serves `<file>.br` or `<file>.gz` for a GET or HEAD of `<file>` when accepted and present: the file's Content-Type, the copy's
 * validators (a representation of its own), no ranges. Anything else goes on to the next handler.
 */
export function precompressedFiles(root: string, options: PrecompressedOptions): RequestHandler {
  return (req, res, next) => serve(req, res, next, root, relativeFile(req.path), options);
}

/** The same for one file of `root` whatever the path asked (the SPA's index.html for its client-side routes). */
export function precompressedFile(root: string, relative: string, options: PrecompressedOptions): RequestHandler {
  return (req, res, next) => serve(req, res, next, root, relative, options);
}

function serve(
  req: Request,
  res: Response,
  next: NextFunction,
  root: string,
  relative: string | null,
  options: PrecompressedOptions,
): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') return next();
  const codings = acceptableCodings(req.headers['accept-encoding']);
  if (relative === null || codings.length === 0) return next();
  void (async () => {
    for (const coding of codings) {
      const copy = relative + SUFFIX[coding];
      const found = await stat(join(root, copy)).catch(() => null);
      if (found?.isFile()) return send(res, root, relative, copy, coding, options, next);
    }
    next();
  })();
}

function send(
  res: Response,
  root: string,
  relative: string,
  copy: string,
  coding: ContentCoding,
  options: PrecompressedOptions,
  next: NextFunction,
): void {
  // Set before sendFile, which keeps a Content-Type already there (it would take `.br`'s otherwise).
  res.type(extname(relative));
  res.setHeader('Content-Encoding', coding);
  res.vary('Accept-Encoding');
  options.setHeaders(res, join(root, relative));
  res.sendFile(copy, { root, cacheControl: false, acceptRanges: false, dotfiles: 'deny' }, (error) => {
    // Gone since the stat (a rebuild): the file itself, unless headers went out already.
    if (!error || res.headersSent) return;
    res.removeHeader('Content-Encoding');
    res.removeHeader('Content-Type');
    next();
  });
}
