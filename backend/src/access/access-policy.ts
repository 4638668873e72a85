import { createHash, timingSafeEqual } from 'node:crypto';

export interface AccessConfig {
  /** Operator token: every mutation needs it when set. */
  apiToken: string | undefined;
  /** Viewer token: when set, reads and live feeds need it (or the operator token). */
  viewToken: string | undefined;
}

export type Role = 'operator' | 'viewer' | 'none';

export interface Access {
  role: Role;
  /** A token was presented but matches neither configured token. */
  invalidToken: boolean;
  /** The role comes from a presented token (not from the server being open). */
  authenticated: boolean;
}

export type Decision = { ok: true } | { ok: false; status: 401 | 403; message: string };

// Equal-length digests: timingSafeEqual needs equal lengths, and hashing first hides the token length.
const digest = (s: string) => createHash('sha256').update(s).digest();
const same = (a: string, b: string) => timingSafeEqual(digest(a), digest(b));

/** Who the presented token (if any) makes the caller. Constant-time comparisons; tokens are never kept or logged. */
export function resolveAccess(config: AccessConfig, presented: string | undefined): Access {
  const { apiToken, viewToken } = config;
  if (!apiToken) return { role: 'operator', invalidToken: false, authenticated: false };
  if (presented !== undefined && presented !== '') {
    // Both comparisons always run, so timing does not tell which token matched.
    const operator = same(presented, apiToken);
    const viewer = viewToken !== undefined && same(presented, viewToken);
    if (operator) return { role: 'operator', invalidToken: false, authenticated: true };
    if (viewer) return { role: 'viewer', invalidToken: false, authenticated: true };
    return { role: 'none', invalidToken: true, authenticated: false };
  }
  return { role: viewToken ? 'none' : 'viewer', invalidToken: false, authenticated: false };
}

export function canRead(access: Access): Decision {
  if (access.invalidToken) return { ok: false, status: 401, message: 'The token is not valid' };
  if (access.role === 'none')
    return { ok: false, status: 401, message: 'A viewer or operator token is required (Authorization: Bearer <token>)' };
  return { ok: true };
}

export function canMutate(access: Access): Decision {
  if (access.invalidToken) return { ok: false, status: 401, message: 'The token is not valid' };
  if (access.role === 'operator') return { ok: true };
  if (access.authenticated) return { ok: false, status: 403, message: 'The viewer token cannot change anything; use the operator token' };
  return { ok: false, status: 401, message: 'The operator token is required (Authorization: Bearer <token>)' };
}

/** The token of an `Authorization: Bearer <token>` header, if that is what it is. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}
