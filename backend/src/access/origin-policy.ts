/** Another site's page must not open the live feeds. Allowed: no Origin (not a browser), our own (the Host addressed), configured. */
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
