import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect } from 'node:net';
import { io } from 'socket.io-client';
import WebSocket from 'ws';
import type { ApiErrorBody } from '@storyflow/contracts';
import { HOSTILE_FRAMES, rawWebSocket } from '../support/raw-websocket.js';
import { waitFor } from '@storyflow/test-support';
import { because } from '../support/because.js';
import { request, type Method } from '../support/http.js';
import { startTestServer } from '../support/test-server.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
let port = 0;
const own = () => `http://127.0.0.1:${port}`;

beforeAll(async () => {
  server = await startTestServer({ MAX_SOCKETS_PER_CLIENT: '4', BODY_LIMIT: '10kb' });
  port = Number(new URL(server.url).port);
});
afterAll(() => server?.stop());

const healthy = async () => (await request(server.url, 'GET', '/api/health')).status === 200;

/** A /ws/status feed that still works: the server is up and serving sockets. */
async function feedStillWorks(): Promise<boolean> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws/status`);
  try {
    await new Promise<void>((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    return true;
  } finally {
    ws.terminate();
  }
}

describe('malformed WebSocket frames', () => {
  const endpoints = [
    ['/ws/status', '/ws/status'],
    ['Socket.IO', '/socket.io/?EIO=4&transport=websocket'],
  ] as const;

  for (const [name, path] of endpoints) {
    it.each(Object.entries(HOSTILE_FRAMES))(`${name}: %s closes that connection only`, async (_label, frame) => {
      const exchange = await rawWebSocket(port, path, frame, { origin: own() });
      expect(exchange.status).toBe('HTTP/1.1 101 Switching Protocols');
      expect(await healthy()).toBe(true);
      expect(await feedStillWorks()).toBe(true);
    });
  }

  it('a real client sending an oversized message to /ws/status (it receives nothing) is cut off with 1009', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws/status`, { origin: own() });
    await new Promise((resolve) => ws.once('open', resolve));
    const closed = new Promise<number>((resolve) => ws.once('close', resolve));
    ws.send(Buffer.alloc(64 * 1024));
    expect(await closed).toBe(1009);
    expect(await healthy()).toBe(true);
  });

  it('refuses a browser page of another origin on Socket.IO before any frame; /ws/status is public while reads need no token', async () => {
    const refused = await rawWebSocket(port, '/socket.io/?EIO=4&transport=websocket', HOSTILE_FRAMES['declared length 2^63-1']!, {
      origin: 'http://evil.example',
    });
    expect(refused.status).toMatch(/^HTTP\/1\.1 (400|403)/);
    // The original client, served from its own dev server, reads the completed count (read-only, nothing else).
    const legacy = new WebSocket(`ws://127.0.0.1:${port}/ws/status`, { origin: 'http://localhost:5173' });
    try {
      const frame = await new Promise<Buffer>((resolve, reject) => (legacy.once('message', resolve), legacy.once('error', reject)));
      expect(String(frame)).toMatch(/^\d+$/);
    } finally {
      legacy.terminate();
    }
    const polling = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin: 'http://evil.example' } });
    expect(polling.status).toBe(403);
    expect(await healthy()).toBe(true);
  });

  it('caps the open sockets of one address, Socket.IO and /ws/status together', async () => {
    const sockets: WebSocket[] = [];
    const clients = [];
    try {
      for (let i = 0; i < 2; i++) {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/ws/status`);
        await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
        sockets.push(ws);
      }
      for (let i = 0; i < 2; i++) {
        const client = io(server.url, { transports: ['websocket'], forceNew: true, reconnection: false });
        clients.push(client);
        await new Promise((resolve, reject) => (client.once('stats:snapshot', resolve), client.once('connect_error', reject)));
      }
      const fifth = await rawWebSocket(port, '/ws/status', null);
      expect(fifth.status).toBe('HTTP/1.1 429 Too Many Requests');
      const refused = io(server.url, { transports: ['websocket'], forceNew: true, reconnection: false });
      clients.push(refused);
      await new Promise((resolve) => refused.once('connect_error', resolve));
    } finally {
      for (const s of sockets) s.terminate();
      for (const c of clients) c.disconnect();
    }
    // Slots come back when sockets close.
    await waitFor(async () => (await rawWebSocket(port, '/ws/status', null, { waitMs: 300 })).status.includes('101'));
  });
});

describe('WebSocket upgrades, whatever their path', () => {
  it.each([
    ['/ws/status/x', 404],
    ['/ws/status/', 404],
    ['/ws/', 404],
    ['/ws', 404],
    ['/socket.io', 404],
    ['/socket.io?EIO=4&transport=websocket', 404],
    ['/socket.iox/?EIO=4&transport=websocket', 404],
    ['/api/stories', 404],
    ['/', 404],
    ['/socket.io/', 400],
    ['/socket.io/?EIO=4&transport=websocket', 101],
    ['/ws/status?x=1', 101],
  ])('%s is answered (%i) within a second', async (path, status) => {
    const exchange = await rawWebSocket(port, path, null, { origin: own(), waitMs: status === 101 ? 1200 : 3000 });
    because(`${path}: ${exchange.status}`, () => {
      expect(exchange.status).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
      expect(exchange.answeredAfterMs).not.toBeNull();
      expect(exchange.answeredAfterMs!).toBeLessThan(1000);
    });
    if (status !== 101) expect(exchange.closedByServer).toBe(true);
  });
});

describe('requests naming another host (DNS rebinding onto a server without a token)', () => {
  const evil = () => `evil.example:${port}`;

  it('are refused with 403 before anything is done, naming the setting', async () => {
    const read = await request<ApiErrorBody>(server.url, 'GET', '/api/stats', undefined, { host: evil() });
    expect(read.status).toBe(403);
    expect(read.body.error.message).toContain('ALLOWED_HOSTS');
    const pause = await request<ApiErrorBody>(
      server.url,
      'PUT',
      '/api/processing',
      { paused: true },
      { host: evil(), origin: `http://${evil()}` },
    );
    expect(pause.status).toBe(403);
    const create = await request(server.url, 'POST', '/api/stories', { tasks: [{ estimate: 5 }] }, { host: evil() });
    expect(create.status).toBe(403);
    expect((await request<{ paused: boolean }>(server.url, 'GET', '/api/processing')).body.paused).toBe(false);
    for (const path of ['/ws/status', '/socket.io/?EIO=4&transport=websocket']) {
      const exchange = await rawWebSocket(port, path, null, { host: evil() });
      because(path, () => expect(exchange.status).toMatch(/^HTTP\/1\.1 (400|403) /));
    }
    const polling = await request(server.url, 'GET', '/socket.io/?EIO=4&transport=polling', undefined, { host: evil() });
    expect(polling.status).toBe(403);
  });

  it.each(['127.0.0.1', 'localhost', '[::1]', 'storyflow.localhost', 'LOCALHOST.'])('%s is the server itself', async (name) => {
    const res = await request(server.url, 'GET', '/api/stats', undefined, { host: `${name}:${port}` });
    expect(res.status).toBe(200);
  });
});

describe('hostile HTTP', () => {
  it('answers a body declared over the limit with 413 before reading it, and closes the connection', async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () =>
        // Declares 100 MB, sends 10 bytes, then waits: a server that read the body would hang here.
        socket.write(
          'POST /api/stories HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000000\r\n\r\n{"tasks":[',
        ),
      );
      let data = '';
      socket.on('data', (d) => (data += d.toString()));
      socket.on('close', () => resolve(data));
      socket.on('error', reject);
      socket.setTimeout(5000, () => reject(new Error('no answer: the server waits for the body')));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 413/);
    expect(answer).toContain('"payload_too_large"');
  });

  it('accepts only UTF-8, uncompressed JSON', async () => {
    for (const [headers, text] of [
      [{ 'content-type': 'application/json; charset=utf-16le' }, 'UTF-8'],
      [{ 'content-type': 'application/json', 'content-encoding': 'gzip' }, 'Compressed'],
      [{ 'content-type': 'text/plain' }, 'application/json'],
    ] as const) {
      const res = await request<ApiErrorBody>(server.url, 'POST', '/api/stories', '{"tasks":[{"estimate":5}]}', headers);
      expect(res.status).toBe(415);
      expect(res.body.error.message).toContain(text);
    }
  });

  it.each([
    ['PUT', '/api/health', 'GET'],
    ['POST', '/api/stats', 'GET'],
    ['DELETE', '/api/limits', 'GET'],
    ['PATCH', '/api/openapi.json', 'GET'],
    ['POST', '/api/access', 'GET'],
    ['GET', '/api/jobs', 'POST'],
  ])('%s %s → 405 with Allow', async (method, path, allowed) => {
    const res = await request<ApiErrorBody>(server.url, method as Method, path);
    expect(res.status).toBe(405);
    expect(res.header['allow']).toContain(allowed);
    expect(res.body.error.code).toBe('method_not_allowed');
  });

  it('sends security headers from Node itself (deployments without nginx)', async () => {
    const res = await request(server.url, 'GET', '/api/health');
    expect(res.header['x-content-type-options']).toBe('nosniff');
    expect(res.header['x-frame-options']).toBe('DENY');
    expect(res.header['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.header['x-powered-by']).toBeUndefined();
  });
});
