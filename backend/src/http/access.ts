import type { Request, RequestHandler } from 'express';
import { hostRefusal } from '../access/host-policy.js';
import { bearerToken, canMutate, canRead, resolveAccess, type Access, type AccessConfig } from '../access/access-policy.js';
import { ApiError } from './errors.js';

const accessOf = (config: AccessConfig, req: Request): Access => resolveAccess(config, bearerToken(req.get('authorization')));

/** Reads need the viewer or operator token when VIEW_TOKEN is set. */
export function requireRead(config: AccessConfig): RequestHandler {
  return (req, _res, next) => {
    const decision = canRead(accessOf(config, req));
    next(decision.ok ? undefined : refusal(decision.status, decision.message));
  };
}

/** Mutations need the operator token when API_TOKEN is set; a viewer token gets 403. */
export function requireOperator(config: AccessConfig): RequestHandler {
  return (req, _res, next) => {
    const decision = canMutate(accessOf(config, req));
    next(decision.ok ? undefined : refusal(decision.status, decision.message));
  };
}

function refusal(status: 401 | 403, message: string): ApiError {
  // `Bearer` challenge (RFC 6750) so generic clients know what to send.
  return status === 401
    ? new ApiError(401, 'unauthorized', message, [], { 'WWW-Authenticate': 'Bearer realm="storyflow"' })
    : new ApiError(403, 'forbidden', message);
}

/** Without a token, only requests naming this server in `Host` are served (DNS rebinding, see access/host-policy.ts). */
export function requireOwnHost(ownHost: (host: string | undefined) => boolean): RequestHandler {
  return (req, _res, next) => {
    const host = req.headers.host;
    next(ownHost(host) ? undefined : new ApiError(403, 'forbidden', hostRefusal(host)));
  };
}
