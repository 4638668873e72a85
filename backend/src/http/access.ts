import type { Request, RequestHandler } from 'express';
import type { AccessDto } from '@storyflow/contracts';
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

/** GET /api/access: the caller's role, so the dashboard knows whether to ask for a token or hide controls. */
export function accessRoute(config: AccessConfig): RequestHandler {
  return (req, res, next) => {
    const access = accessOf(config, req);
    const decision = canRead(access);
    if (!decision.ok) return next(refusal(decision.status, decision.message));
    const body: AccessDto = {
      role: access.role === 'operator' ? 'operator' : 'viewer',
      readsNeedToken: config.viewToken !== undefined,
      mutationsNeedToken: config.apiToken !== undefined,
    };
    res.set('Cache-Control', 'no-store').json(body);
  };
}

function refusal(status: 401 | 403, message: string): ApiError {
  // `Bearer` challenge (RFC 6750) so generic clients know what to send.
  return status === 401
    ? new ApiError(401, 'unauthorized', message, [], { 'WWW-Authenticate': 'Bearer realm="storyflow"' })
    : new ApiError(403, 'forbidden', message);
}
