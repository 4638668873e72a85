import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import type {
  ApiErrorBody,
  ClientToServerEvents,
  HealthDto,
  ServerToClientEvents,
  StatsSample,
  StatsSnapshot,
  StoryDto,
} from '@storyflow/contracts';
import { dashboardDir, startNginx, waitFor, type NginxProcess } from '@storyflow/test-support';
import { because } from '../support/because.js';
import { request } from '../support/http.js';
import { rawWebSocket } from '../support/raw-websocket.js';
import { startTestServer } from '../support/test-server.js';

/**
 * The production front end for real: Debian's nginx with the repository's nginx.conf (only its
 * addresses and paths rendered for local ports) in front of the real backend, serving the real built
 * dashboard. Everything below goes THROUGH nginx. The dashboard itself under nginx's CSP is checked in a
 * real browser by the Playwright suite (frontend/e2e/nginx-csp.spec.ts).
 */

const SPA_DIR = dashboardDir;
// The build's content-hashed names: 8 characters of base64url (main-M6OICQB5.js, chunk-Dc__-FmA.js).
const HASHED = /^(main|chunk|polyfills|styles|worker)-[A-Za-z0-9_-]{8}\.(js|css)$/;
const LONG_CACHE = 'public, max-age=31536000, immutable';

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** node:http rather than fetch, to see the bytes as sent (fetch decompresses gzip itself). */
function rawGet(url: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolvePromise, reject) => {
    const req = httpRequest(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

let backend: Awaited<ReturnType<typeof startTestServer>> | undefined;
let nginx: NginxProcess | undefined;
let base = '';
let indexHtml = '';

beforeAll(async () => {
  if (!existsSync(join(SPA_DIR, 'index.html')))
    throw new Error(
      `${join(SPA_DIR, 'index.html')} is missing: build the dashboard first with \`npm run build\` (the root \`npm test\` does)`,
    );
  indexHtml = readFileSync(join(SPA_DIR, 'index.html'), 'utf8');
  // The backend serves no dashboard of its own here (its STATIC_DIR is an empty temp dir): nginx does.
  backend = await startTestServer();
  nginx = await startNginx({ backend: new URL(backend.url).host, root: SPA_DIR });
  base = nginx.url;
});

afterAll(async () => {
  await nginx?.stop();
  await backend?.stop();
});

describe('nginx in front of the backend (nginx.conf)', () => {
  it('serves the SPA: index.html at / and for client-side routes, never cached', async () => {
    for (const path of ['/', '/stories', '/stories/0123456789abcdef01234567']) {
      const res = await fetch(base + path, { headers: { accept: 'text/html' } });
      const body = await res.text();
      because(path, () => {
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toMatch(/^text\/html/);
        expect(res.headers.get('cache-control')).toBe('no-cache');
        expect(body).toBe(indexHtml);
      });
    }
  });

  it('caches hashed assets for a year and answers a missing asset with 404, not the page', async () => {
    // main-… and the lazy chunks, whose hashes have lower case letters, `_` and `-` (chunk-Dc__-FmA.js).
    for (const prefix of ['main-', 'chunk-']) {
      const asset = readdirSync(SPA_DIR).find((f) => f.startsWith(prefix) && HASHED.test(f) && f.endsWith('.js'));
      because(`a hashed ${prefix}….js file in ${SPA_DIR}`, () => expect(asset).toBeDefined());
      const res = await fetch(`${base}/${asset}`);
      because(asset!, () => {
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toMatch(/javascript/);
        expect(res.headers.get('cache-control')).toBe(LONG_CACHE);
      });
      expect(Buffer.from(await res.arrayBuffer()).equals(readFileSync(join(SPA_DIR, asset!)))).toBe(true);
    }

    const missing = await fetch(`${base}/main-ZZZZZZZZ.js`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('cache-control')).not.toBe(LONG_CACHE);
  });

  it('compresses JavaScript with gzip when the client accepts it', async () => {
    const asset = readdirSync(SPA_DIR)
      .filter((f) => HASHED.test(f) && f.endsWith('.js'))
      .map((f) => ({ f, size: readFileSync(join(SPA_DIR, f)).length }))
      .sort((a, b) => b.size - a.size)[0]!.f;
    const res = await rawGet(`${base}/${asset}`, { 'accept-encoding': 'gzip' });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(String(res.headers['vary'])).toMatch(/Accept-Encoding/i);
    const original = readFileSync(join(SPA_DIR, asset));
    expect(res.body.length).toBeLessThan(original.length);
    expect(gunzipSync(res.body).equals(original)).toBe(true);
  });

  it('sends the security headers, and a CSP that allows what index.html runs', async () => {
    for (const path of ['/', '/api/health']) {
      const res = await fetch(base + path);
      await res.arrayBuffer();
      because(path, () => {
        expect(res.headers.get('x-content-type-options')).toBe('nosniff');
        expect(res.headers.get('x-frame-options')).toBe('DENY');
        expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
        expect(res.headers.get('server')).toBe('nginx'); // server_tokens off: no version
        const csp = res.headers.get('content-security-policy') ?? '';
        expect(csp).toContain("frame-ancestors 'none'");
        expect(csp).toMatch(/script-src 'self'/);
        // Same-origin XHR and WebSocket only: 'self' covers ws:/wss: to this origin (CSP Level 3).
        expect(csp).toMatch(/connect-src 'self';/);
        expect(csp).not.toMatch(/\bwss?:/);
      });
    }
    // Every inline script or event handler Angular put into index.html must be allowed by hash.
    const csp = (await fetch(base + '/')).headers.get('content-security-policy') ?? '';
    const inline = [
      ...[...indexHtml.matchAll(/\son[a-z]+="([^"]*)"/g)].map((m) => m[1]!),
      ...[...indexHtml.matchAll(/<script\b(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]!),
    ];
    for (const code of inline) because(`CSP allows inline \`${code}\``, () => expect(csp).toContain(sha256(code)));
  });

  it('proxies the REST API: 201 for a story, the backend’s own JSON errors otherwise', async () => {
    const created = await request<StoryDto>(base, 'POST', '/api/stories', { tasks: [{ estimate: 10 }] });
    expect(created.status).toBe(201);
    expect(created.body.status).toBe('Open');

    const bad = await request<ApiErrorBody>(base, 'POST', '/api/stories', { tasks: [] });
    expect(bad.status).toBe(400);
    expect(bad.header['content-type']).toMatch(/^application\/json/);
    expect(bad.body.error.code).toBe('validation_failed');

    // Between the backend's BODY_LIMIT (1mb) and nginx's client_max_body_size (2m): the backend answers.
    const big = JSON.stringify({ title: 'x'.repeat(1_500_000), tasks: [{ estimate: 10 }] });
    const fromBackend = await request<ApiErrorBody>(base, 'POST', '/api/stories', big);
    expect(fromBackend.status).toBe(413);
    expect(fromBackend.body.error.code).toBe('payload_too_large');
    // Above nginx's limit: nginx answers, in the same JSON shape.
    const huge = JSON.stringify({ title: 'x'.repeat(3_000_000), tasks: [{ estimate: 10 }] });
    const fromNginx = await request<ApiErrorBody>(base, 'POST', '/api/stories', huge);
    expect(fromNginx.status).toBe(413);
    expect(fromNginx.header['content-type']).toMatch(/^application\/json/);
    expect(fromNginx.body.error.code).toBe('payload_too_large');
  });

  it('answers an `Upgrade: websocket` request to /api/ as plain HTTP (no upgrade reaches the backend)', async () => {
    const outcome = await new Promise<{ kind: 'response'; status: number; body: string } | { kind: 'upgrade' | 'timeout' }>(
      (resolvePromise, reject) => {
        const req = httpRequest(`${base}/api/health`, {
          headers: {
            connection: 'Upgrade',
            upgrade: 'websocket',
            'sec-websocket-version': '13',
            'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
          },
          timeout: 3_000,
        });
        req.on('response', (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolvePromise({ kind: 'response', status: res.statusCode ?? 0, body }));
        });
        req.on('upgrade', (_res, socket) => {
          socket.destroy();
          resolvePromise({ kind: 'upgrade' });
        });
        req.on('timeout', () => {
          req.destroy();
          resolvePromise({ kind: 'timeout' });
        });
        req.on('error', reject);
        req.end();
      },
    );
    expect(outcome.kind).toBe('response');
    if (outcome.kind !== 'response') return;
    // The health answer itself (not the backend's 404 for an upgrade on a path it does not serve).
    expect(outcome.status).toBe(200);
    expect((JSON.parse(outcome.body) as HealthDto).status).toBe('ok');
  });

  it.each([
    ['/ws/status/x', 404],
    ['/ws/', 404],
    ['/socket.io', 301], // nginx's own redirect to /socket.io/
  ])('answers a WebSocket upgrade to %s within a second (%i)', async (path, status) => {
    const exchange = await rawWebSocket(Number(new URL(base).port), path, null, { waitMs: 1200 });
    because(exchange.status, () => expect(exchange.status).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `)));
    expect(exchange.answeredAfterMs).not.toBeNull();
    expect(exchange.answeredAfterMs!).toBeLessThan(1000);
  });

  it('carries Socket.IO over WebSocket: the snapshot, then per-second stats', async () => {
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(base, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
    });
    try {
      const snapshot = await new Promise<StatsSnapshot>((resolvePromise, reject) => {
        socket.once('stats:snapshot', resolvePromise);
        socket.once('connect_error', reject);
      });
      expect(Array.isArray(snapshot.history)).toBe(true);
      const sample = await new Promise<StatsSample>((resolvePromise) => socket.once('stats', resolvePromise));
      expect(sample.t % 1000).toBe(0);
      expect(socket.io.engine.transport.name).toBe('websocket');
    } finally {
      socket.close();
    }
  });

  it('carries Socket.IO over HTTP long-polling too', async () => {
    const socket = io(base, { transports: ['polling'], forceNew: true, reconnection: false });
    try {
      const snapshot = await new Promise<StatsSnapshot>((resolvePromise, reject) => {
        socket.once('stats:snapshot', resolvePromise);
        socket.once('connect_error', reject);
      });
      expect(typeof snapshot.now).toBe('number');
      await new Promise((resolvePromise) => socket.once('stats', resolvePromise));
    } finally {
      socket.close();
    }
  });

  it('carries the plain /ws/status WebSocket: a binary frame of digits each second', async () => {
    const ws = new WebSocket(base.replace('http', 'ws') + '/ws/status');
    const frames: { binary: boolean; text: string }[] = [];
    ws.on('message', (data: Buffer, isBinary: boolean) => frames.push({ binary: isBinary, text: data.toString() }));
    try {
      await new Promise((resolvePromise, reject) => {
        ws.once('open', resolvePromise);
        ws.once('error', reject);
      });
      await waitFor(() => frames.length >= 2, { timeoutMs: 5_000, intervalMs: 50, what: 'two frames' });
      expect(frames.every((f) => f.binary && /^\d+$/.test(f.text))).toBe(true);
    } finally {
      ws.close();
    }
  });

  // Last: it stops the backend.
  it('answers API calls with a JSON 503 while the backend is down', async () => {
    await backend?.stop();
    backend = undefined;
    const res = await request<ApiErrorBody>(base, 'GET', '/api/stories');
    expect(res.status).toBe(503);
    expect(res.header['content-type']).toMatch(/^application\/json/);
    expect(res.body.error.code).toBe('unavailable');
    // Like the backend's own 503s, it says when to retry (a client retries a create with its key).
    expect(res.header['retry-after']).toBe('2');
    // The dashboard itself is still served.
    expect((await fetch(base + '/stories')).status).toBe(200);
  });
});
