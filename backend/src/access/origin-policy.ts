/**
 * Browsers send `Origin` on WebSocket handshakes and cross-origin requests; a page on another site must
 * not open the live feeds (or spend a visitor's connection budget). Allowed: no Origin (not a browser),
 * the server's own origin (the Host the client addressed), or one of the configured origins.
 */
export function isOriginAllowed(origin: string | undefined, host: string | undefined, allowed: readonly string[]): boolean {
  if (origin === undefined) return true;
  if (allowed.includes('*') || allowed.includes(origin)) return true;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  // Same origin: the scheme may differ behind a TLS-terminating proxy, the host and port may not.
  return host !== undefined && parsed.host.toLowerCase() === host.toLowerCase();
}
