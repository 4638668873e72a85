import type { IncomingMessage } from 'node:http';
import { bearerToken, canRead, resolveAccess, type AccessConfig, type Decision } from '../access/access-policy.js';
import { clientAddress, type ConnectionBudget, type TrustProxy } from '../access/client-address.js';
import { isOriginAllowed } from '../access/origin-policy.js';
import { hostRefusal } from '../access/host-policy.js';

export interface GateConfig {
  access: AccessConfig;
  /** Whether a Host header names this server (DNS rebinding; see access/host-policy.ts). */
  ownHost: (host: string | undefined) => boolean;
  allowedOrigins: readonly string[];
  trustProxy: TrustProxy;
  budget: ConnectionBudget;
}

export type GateDecision = Decision | { ok: false; status: 429 | 503; message: string };
export type Refusal = Extract<GateDecision, { ok: false }>;

/** Admits a live-feed connection before any state is kept: Host names this server, Origin ours or configured (`anyOrigin`: any). */
export function admitOrigin(config: GateConfig, req: IncomingMessage, anyOrigin = false): GateDecision {
  if (!config.ownHost(req.headers.host)) return { ok: false, status: 403, message: hostRefusal(req.headers.host) };
  if (!anyOrigin && !isOriginAllowed(req.headers.origin, req.headers.host, config.allowedOrigins))
    return { ok: false, status: 403, message: `Origin ${req.headers.origin} may not connect` };
  return { ok: true };
}

export const TOO_MANY_CONNECTIONS: Refusal = { ok: false, status: 429, message: 'Too many open connections from this address' };

/** A connection slot for the client of `req`, or null at its cap. */
export function acquireSlot(config: GateConfig, req: IncomingMessage): Promise<(() => void) | null> {
  return config.budget.acquire(clientAddress(req, config.trustProxy));
}

/** When VIEW_TOKEN is set, a live feed needs the viewer or the operator token. */
export function admitToken(config: GateConfig, token: string | null): Decision {
  return canRead(resolveAccess(config.access, token ?? undefined));
}

/** The token of a WebSocket handshake: `Authorization: Bearer`, or `?token=` (browsers cannot set headers on a WebSocket). */
export function handshakeToken(req: IncomingMessage): string | null {
  const header = bearerToken(req.headers.authorization);
  if (header) return header;
  const query = new URL(req.url ?? '/', 'http://x').searchParams.get('token');
  return query || null;
}
