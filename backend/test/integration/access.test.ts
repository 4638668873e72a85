import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { io } from 'socket.io-client';
import WebSocket from 'ws';
import type { AccessDto, ApiErrorBody, StoryDto } from '@storyflow/contracts';
import { startBackend } from '@storyflow/test-support';
import { because } from '../support/because.js';
import { request } from '../support/http.js';
import { startTestServer, testEnv } from '../support/test-server.js';

const OPERATOR = 'op-3b1f0c9d7a5e4f2b8c6d';
const VIEWER = 'view-9e8d7c6b5a4f3e2d1c0b';
const auth = (token?: string) => (token ? { authorization: `Bearer ${token}` } : undefined);

let server: Awaited<ReturnType<typeof startTestServer>>;
let port = 0;

beforeAll(async () => {
  server = await startTestServer({ API_TOKEN: OPERATOR, VIEW_TOKEN: VIEWER, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' });
  port = Number(new URL(server.url).port);
});
afterAll(() => server?.stop());

const createBody = { tasks: [{ estimate: 5 }] };

describe('access control over HTTP', () => {
  const mutations = [
    ['POST', '/api/stories', createBody],
    ['POST', '/api/jobs', { id: 1, tasks: [{ id: 1, estimate: 5 }] }],
    ['DELETE', '/api/stories?status=Done', undefined],
    ['DELETE', '/api/stories/0123456789abcdef01234567', undefined],
  ] as const;

  it.each(mutations)('%s %s: 401 without or with a wrong token, 403 with the viewer token', async (method, path, body) => {
    for (const [token, status, code] of [
      [undefined, 401, 'unauthorized'],
      ['not-the-token-at-all-000', 401, 'unauthorized'],
      [VIEWER, 403, 'forbidden'],
    ] as const) {
      const res = await request<ApiErrorBody>(server.url, method, path, body, auth(token));
      because(`token ${String(token)}`, () => expect(res.status).toBe(status));
      expect(res.body.error.code).toBe(code);
      if (status === 401) expect(res.header['www-authenticate']).toContain('Bearer');
    }
  });

  it('the operator token may do everything, and nothing was changed by the refused attempts', async () => {
    const list = await request<{ total: number }>(server.url, 'GET', '/api/stories', undefined, auth(OPERATOR));
    expect(list.body.total).toBe(0);
    const created = await request<StoryDto>(server.url, 'POST', '/api/stories', createBody, auth(OPERATOR));
    expect(created.status).toBe(201);
    const job = await request<StoryDto>(server.url, 'POST', '/api/jobs', { id: 7, tasks: [{ id: 1, estimate: 5 }] }, auth(OPERATOR));
    expect(job.status).toBe(201);
    expect((await request(server.url, 'DELETE', `/api/stories/${created.body.id}`, undefined, auth(OPERATOR))).status).toBe(200);
  });

  it('reads need the viewer or operator token; health stays open', async () => {
    for (const path of ['/api/stories', '/api/stats', '/api/limits', '/api/openapi.json', '/api/access']) {
      const statuses = [
        (await request(server.url, 'GET', path)).status,
        (await request(server.url, 'GET', path, undefined, auth('wrong-token-0000000000'))).status,
        (await request(server.url, 'GET', path, undefined, auth(VIEWER))).status,
        (await request(server.url, 'GET', path, undefined, auth(OPERATOR))).status,
      ];
      because(path, () => expect(statuses).toEqual([401, 401, 200, 200]));
    }
    expect((await request(server.url, 'GET', '/api/health')).status).toBe(200);
  });

  it('tells the dashboard the role of its token', async () => {
    const viewer = await request<AccessDto>(server.url, 'GET', '/api/access', undefined, auth(VIEWER));
    expect(viewer.body).toEqual({ role: 'viewer', readsNeedToken: true, mutationsNeedToken: true });
    const operator = await request<AccessDto>(server.url, 'GET', '/api/access', undefined, auth(OPERATOR));
    expect(operator.body.role).toBe('operator');
  });
});

describe('access control on the live feeds', () => {
  const socketConnects = (token?: string) =>
    new Promise<string>((resolve) => {
      const client = io(server.url, { transports: ['websocket'], forceNew: true, reconnection: false, auth: token ? { token } : {} });
      client.once('stats:snapshot', () => (client.disconnect(), resolve('snapshot')));
      client.once('connect_error', (e) => (client.disconnect(), resolve(`refused: ${e.message}`)));
    });

  it('Socket.IO needs a viewer or operator token in its handshake auth', async () => {
    expect(await socketConnects()).toMatch(/^refused: A viewer or operator token is required/);
    expect(await socketConnects('wrong-token-0000000000')).toMatch(/^refused: The token is not valid/);
    expect(await socketConnects(VIEWER)).toBe('snapshot');
    expect(await socketConnects(OPERATOR)).toBe('snapshot');
  });

  it('/ws/status needs one too (Authorization header, or ?token= for browsers)', async () => {
    const opens = (url: string, headers?: Record<string, string>) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(url, { headers });
        ws.once('open', () => (ws.terminate(), resolve('open')));
        ws.once('unexpected-response', (_req, res) => (ws.terminate(), resolve(String(res.statusCode))));
        ws.once('error', () => resolve('error'));
      });
    const url = `ws://127.0.0.1:${port}/ws/status`;
    expect(await opens(url)).toBe('401');
    expect(await opens(`${url}?token=wrong-token-0000000000`)).toBe('401');
    expect(await opens(`${url}?token=${VIEWER}`)).toBe('open');
    expect(await opens(url, { authorization: `Bearer ${OPERATOR}` })).toBe('open');
    // Not public while reads need a token: a page of another origin may not use a visitor's token.
    expect(await opens(`${url}?token=${VIEWER}`, { origin: 'http://evil.example' })).toBe('403');
  });
});

describe('a server with a token', () => {
  it('serves whatever name it is reached by (the token, not the Host, keeps other pages out)', async () => {
    const res = await request(server.url, 'GET', '/api/stats', undefined, { host: `storyflow.example:${port}`, ...auth(VIEWER) });
    expect(res.status).toBe(200);
  });
});

describe('secure by default', () => {
  it('refuses to start reachable from other machines without API_TOKEN, naming it', async () => {
    await expect(startBackend({ env: testEnv({ HOST: '0.0.0.0' }), host: '0.0.0.0' })).rejects.toThrow(/API_TOKEN/);
  });

  it('starts so with ALLOW_ANONYMOUS=true, or with a token', async () => {
    for (const extra of [{ ALLOW_ANONYMOUS: 'true' }, { API_TOKEN: OPERATOR }] as Record<string, string>[]) {
      const child = await startBackend({ env: testEnv({ ...extra, LOG_LEVEL: 'warn' }), host: '0.0.0.0' });
      child.signal('SIGTERM');
      expect((await child.exited).code).toBe(0);
    }
  });
});
