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

  it('refuses a browser page of another origin before any frame, on both endpoints', async () => {
    for (const path of ['/ws/status', '/socket.io/?EIO=4&transport=websocket']) {
      const exchange = await rawWebSocket(port, path, HOSTILE_FRAMES['declared length 2^63-1']!, { origin: 'http://evil.example' });
      because(path, () => expect(exchange.status).toMatch(/^HTTP\/1\.1 (400|403)/));
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

describe('hostile HTTP', () => {
  it('answers a body declared over the limit with 413 before reading it, and closes the connection', async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () =>
        // Declares 100 MB, sends 10 bytes, then waits: a server that read the body would hang here.
        socket.write(
          'POST /api/stories HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000000\r\n\r\n{"tasks":[',
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
