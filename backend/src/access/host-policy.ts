import { isIP } from 'node:net';

/**
 * DNS rebinding defence without a token: a rebound page still says `Host: evil.example`. Served: IP literals (only we serve a
 * page from one), `localhost`, `*.localhost`, and `ALLOWED_HOSTS` (`.example.com` also its subdomains, `*` any).
 */
export function hostAllowed(allowed: readonly string[]): (hostHeader: string | undefined) => boolean {
  const any = allowed.includes('*');
  const names = allowed.map((name) => name.toLowerCase());
  return (hostHeader) => {
    // No Host at all is not a browser (every browser sends one), so not a rebinding page.
    if (any || hostHeader === undefined) return true;
    const host = hostName(hostHeader);
    if (host === null) return false;
    if (isIP(host) !== 0 || host === 'localhost' || host.endsWith('.localhost')) return true;
    return names.some((name) => (name.startsWith('.') ? host === name.slice(1) || host.endsWith(name) : host === name));
  };
}

/** The name of a Host header without its port (`[::1]:3000` → `::1`), lower-case; null if malformed. */
export function hostName(hostHeader: string): string | null {
  const value = hostHeader.trim().toLowerCase();
  const bracketed = /^\[([0-9a-f:.]+)\](?::\d{1,5})?$/.exec(value);
  if (bracketed) return bracketed[1]!;
  const plain = /^([a-z0-9.-]+?)\.?(?::\d{1,5})?$/.exec(value);
  return plain ? plain[1]! : null;
}

/** What a refused client is told. */
export const hostRefusal = (host: string | undefined) =>
  `Host ${host} is not a name of this server (a page that re-points its own name here is refused); add it to ALLOWED_HOSTS, or set API_TOKEN`;
