import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
import { freePort } from '../../src/shared/free-port.js';
import { request, waitFor } from '../support/http.js';
import { startTestServer } from '../support/test-server.js';
import { CHROMIUM_ARGS, requireChromium } from '../../../frontend/e2e/chromium.js';

/**
 * The production front end for real: Debian's nginx with the repository's nginx.conf (only its
 * addresses and paths rendered for local ports) in front of the real backend, serving the real built
 * dashboard. Everything below goes THROUGH nginx.
 */

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const NGINX = process.env.NGINX_BIN ?? '/usr/sbin/nginx';
/** The built dashboard; SPA_DIR overrides it (e.g. a stand-in build while the real one is not there). */
const SPA_DIR = resolve(process.env.SPA_DIR ?? join(repoRoot, 'frontend/dist/browser'));
const HASHED = /^(main|chunk|polyfills|styles|worker)-[A-Z0-9]{8}\.(js|css)$/;
const LONG_CACHE = 'public, max-age=31536000, immutable';
/** Debian's chromium (never a downloaded browser), as frontend/e2e/run.ts uses it. */

/** The repository's nginx.conf with only its marked substitution points replaced. */
function renderNginxConf(source: string, to: { backend: string; listen: string; root: string; tmp: string }): string {
  const replacements: [string, string][] = [
    // First, so that paths inserted below (which may themselves lie under /tmp) are left alone.
    ['/tmp/', `${to.tmp}/`],
    ['server backend:3000;', `server ${to.backend};`],
    ['listen 8080;', `listen ${to.listen};`],
    ['/usr/share/nginx/html', to.root],
  ];
  let out = source;
  for (const [from, replacement] of replacements) {
    if (!out.includes(from)) throw new Error(`nginx.conf no longer contains \`${from}\`: update the test's rendering`);
    out = out.split(from).join(replacement);
  }
  return out;
}

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
let nginx: ChildProcess | undefined;
let nginxOutput = '';
let tmp: string | undefined;
let base = '';
let indexHtml = '';

beforeAll(async () => {
  if (!existsSync(NGINX))
    throw new Error(`nginx not found at ${NGINX}: install Debian's nginx (\`apt-get install nginx\`; .ci/run does) to run this test`);
  if (!existsSync(join(SPA_DIR, 'index.html')))
    throw new Error(
      `${join(SPA_DIR, 'index.html')} is missing: build the dashboard first with \`npm run build\` (the root \`npm test\` does)`,
    );
  indexHtml = readFileSync(join(SPA_DIR, 'index.html'), 'utf8');

  // The backend serves no dashboard of its own here (its STATIC_DIR is an empty temp dir): nginx does.
  backend = await startTestServer();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;

  tmp = mkdtempSync(join(tmpdir(), 'storyflow-nginx-'));
  const conf = join(tmp, 'nginx.conf');
  writeFileSync(
    conf,
    renderNginxConf(readFileSync(join(repoRoot, 'nginx.conf'), 'utf8'), {
      backend: new URL(backend.url).host,
      listen: `127.0.0.1:${port}`,
      root: SPA_DIR,
      tmp,
    }),
  );

  // Foreground, its own prefix; -e stderr so nothing is written to /var/log/nginx before the config is read.
  // The access log goes to /dev/stdout, which nginx open()s: a file here (a pipe or a TTY in a container).
  const accessLog = openSync(join(tmp, 'access.log'), 'a', 0o644);
  // Started as root (CI), nginx would switch its workers to `nobody`, who may not be able to read a checkout
  // under /root: keep them as the current user. nginx.conf itself has no `user`; in the container nginx
  // runs as uid 101 throughout.
  const globals = process.getuid?.() === 0 ? 'daemon off; user root;' : 'daemon off;';
  const child = spawn(NGINX, ['-e', 'stderr', '-p', `${tmp}/`, '-c', conf, '-g', globals], { stdio: ['ignore', accessLog, 'pipe'] });
  closeSync(accessLog);
  nginx = child;
  child.stderr?.on('data', (d: Buffer) => (nginxOutput += d.toString()));
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}:\n${nginxOutput}`);
      return fetch(`${base}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
    },
    15_000,
    50,
  );
});

afterAll(async () => {
  const child = nginx;
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM'); // fast shutdown: open WebSockets do not hold it up
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
  await backend?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('nginx in front of the backend (nginx.conf)', () => {
  it('serves the SPA: index.html at / and for client-side routes, never cached', async () => {
    for (const path of ['/', '/stories', '/stories/0123456789abcdef01234567']) {
      const res = await fetch(base + path, { headers: { accept: 'text/html' } });
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toMatch(/^text\/html/);
      expect(res.headers.get('cache-control'), path).toBe('no-cache');
      expect(await res.text(), path).toBe(indexHtml);
    }
  });

  it('caches hashed assets for a year and answers a missing asset with 404, not the page', async () => {
    const asset = readdirSync(SPA_DIR).find((f) => HASHED.test(f) && f.endsWith('.js'));
    expect(asset, `a hashed .js file in ${SPA_DIR}`).toBeDefined();
    const res = await fetch(`${base}/${asset}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    expect(res.headers.get('cache-control')).toBe(LONG_CACHE);
    expect(Buffer.from(await res.arrayBuffer()).equals(readFileSync(join(SPA_DIR, asset!)))).toBe(true);

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
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
      expect(res.headers.get('referrer-policy'), path).toBe('strict-origin-when-cross-origin');
      expect(res.headers.get('server'), path).toBe('nginx'); // server_tokens off: no version
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).toMatch(/script-src 'self'/);
      // Same-origin XHR and WebSocket only: 'self' covers ws:/wss: to this origin (CSP Level 3).
      expect(csp, path).toMatch(/connect-src 'self';/);
      expect(csp, path).not.toMatch(/\bwss?:/);
    }
    // Every inline script or event handler Angular put into index.html must be allowed by hash.
    const csp = (await fetch(base + '/')).headers.get('content-security-policy') ?? '';
    const inline = [
      ...[...indexHtml.matchAll(/\son[a-z]+="([^"]*)"/g)].map((m) => m[1]!),
      ...[...indexHtml.matchAll(/<script\b(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]!),
    ];
    for (const code of inline) expect(csp, `CSP allows inline \`${code}\``).toContain(sha256(code));
  });

  it('proxies the REST API: 201 for a story, the backend’s own JSON errors otherwise', async () => {
    const created = await request<StoryDto>(base, 'POST', '/api/stories', { tasks: [{ estimate: 10 }] });
    expect(created.status).toBe(201);
    expect(created.body.status).toBe('Open');

    const bad = await request<ApiErrorBody>(base, 'POST', '/api/stories', { tasks: [] });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/^application\/json/);
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
    expect(fromNginx.headers.get('content-type')).toMatch(/^application\/json/);
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
      await waitFor(async () => frames.length >= 2, 5_000, 50);
      expect(frames.every((f) => f.binary && /^\d+$/.test(f.text))).toBe(true);
    } finally {
      ws.close();
    }
  });

  it('runs the dashboard in a real browser under the production CSP: live stats, a story, the list', async () => {
    const browser = await chromium.launch({
      executablePath: requireChromium(),
      args: CHROMIUM_ARGS,
    });
    try {
      const context = await browser.newContext();
      // Recorded in the page itself, before any of its scripts run (the SPA stays one document throughout);
      // a string, as the backend's TypeScript has no DOM types.
      await context.addInitScript({
        content: `window.__cspViolations = [];
          document.addEventListener('securitypolicyviolation', (e) => {
            window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI);
          });`,
      });
      const page = await context.newPage();
      page.setDefaultTimeout(8_000);
      const consoleErrors: string[] = [];
      const pageErrors: string[] = [];
      page.on('console', (msg) => {
        if (msg.type() === 'error') consoleErrors.push(msg.text());
      });
      page.on('pageerror', (error) => pageErrors.push(error.message));
      const figure = async (id: string) => Number(((await page.getByTestId(id).textContent()) ?? '').replace(/[^\d]/g, '') || Number.NaN);

      await page.goto(`${base}/stats`);
      // Socket.IO through nginx, under connect-src 'self'.
      await page.locator('[data-testid="connection"][data-state="live"]').waitFor();
      expect(await page.locator('canvas[data-testid="stats-chart"]').count()).toBe(1);

      // Earlier tests may have completed stories already: one more must show up live.
      const completedBefore = (await figure('figure-completed')) || 0;
      const title = `nginx csp ${Date.now().toString(36)}`;
      const created = await fetch(`${base}/api/stories`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title, tasks: [{ estimate: 10 }] }),
      });
      expect(created.status).toBe(201);
      const completed = await waitFor(
        async () => {
          const n = await figure('figure-completed');
          return n >= Math.max(1, completedBefore + 1) ? n : undefined;
        },
        8_000,
        100,
      );
      expect(completed).toBeGreaterThanOrEqual(1);

      // Client-side navigation; the list is fetched through nginx's /api/.
      await page.getByRole('link', { name: 'Stories' }).click();
      await page.waitForURL(/\/stories$/);
      await page.locator('[data-testid="story-row"]', { hasText: title }).waitFor();

      const violations = await page.evaluate<string[]>('window.__cspViolations');
      // One assertion, so that a failure lists all three.
      expect({ consoleErrors, pageErrors, violations }, 'browser errors and CSP violations').toEqual({
        consoleErrors: [],
        pageErrors: [],
        violations: [],
      });
    } finally {
      await browser.close();
    }
  }, 30_000);

  // Last: it stops the backend.
  it('answers API calls with a JSON 503 while the backend is down', async () => {
    await backend?.stop();
    backend = undefined;
    const res = await request<ApiErrorBody>(base, 'GET', '/api/stories');
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body.error.code).toBe('unavailable');
    // The dashboard itself is still served.
    expect((await fetch(base + '/stories')).status).toBe(200);
  });
});
