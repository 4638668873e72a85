import type { RequestHandler } from 'express';
import bytes from 'bytes';
import { ApiError } from './errors.js';

/**
 * A body declared over the limit is refused (413) before it is parsed: a little over, the rest is discarded so a proxy still sending
 * gets the 413, not a reset; far over, the connection is closed. Bodies without a length are cut off by the JSON parser.
 */
export function declaredLengthGuard(limit: string): RequestHandler {
  const max = bytes.parse(limit) ?? 1024 * 1024;
  return (req, res, next) => {
    const declared = req.headers['content-length'];
    if (declared !== undefined && (!/^\d+$/.test(declared) || Number(declared) > max)) {
      if (!/^\d+$/.test(declared) || Number(declared) > 4 * max) res.set('Connection', 'close');
      next(
        /^\d+$/.test(declared)
          ? new ApiError(413, 'payload_too_large', `Request body is larger than the limit of ${max} bytes`)
          : new ApiError(400, 'validation_failed', 'Content-Length must be a number of bytes'),
      );
      return;
    }
    next();
  };
}

/** JSON bodies only, in UTF-8, uncompressed: anything else is a 415 that says so, not a confusing "field missing". */
export const JSON_TYPES = ['application/json', 'application/*+json'];

export const requireJson: RequestHandler = (req, _res, next) => {
  if (!req.is(JSON_TYPES)) {
    next(new ApiError(415, 'unsupported_media_type', `Content-Type must be application/json (got ${req.get('content-type') ?? 'none'})`));
    return;
  }
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(req.get('content-type') ?? '')?.[1];
  if (charset !== undefined && !/^utf-?8$/i.test(charset)) {
    next(new ApiError(415, 'unsupported_media_type', `The body must be UTF-8 JSON (got charset ${charset})`));
    return;
  }
  const encoding = req.get('content-encoding');
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
    next(new ApiError(415, 'unsupported_media_type', `Compressed bodies are not accepted (Content-Encoding: ${encoding})`));
    return;
  }
  next();
};
