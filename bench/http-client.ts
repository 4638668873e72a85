import { Agent, request as httpRequest } from 'node:http';

/** Prometheus series by name (the server's own counters); null when it has no /metrics (an older version). */
export async function metrics(base: string, names: string[]): Promise<Map<string, number> | null> {
  const res = await fetch(`${base}/metrics?${names.map((n) => `name=${n}`).join('&')}`);
  if (res.status === 404) return null;
  const out = new Map<string, number>();
  for (const line of (await res.text()).split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    out.set(line.slice(0, space), (out.get(line.slice(0, space)) ?? 0) + Number(line.slice(space + 1)));
  }
  return out;
}
/**
 * Kept-alive connections for the POSTs, one per client at most: undici's fetch costs the client several
 * times node:http's CPU, and on two cores the client's CPU is taken from the server being measured.
 */
// Idle sockets go after 4 s, before the server's keep-alive timeout (5 s) closes them under a request sent on one.
const agent = new Agent({ keepAlive: true, maxSockets: 256, timeout: 4000 });

export function postOnce(
  base: string,
  json: string,
  path = '/api/stories',
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string; retryAfter: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${base}${path}`,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json), ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), retryAfter: res.headers['retry-after'] }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(json);
  });
}
