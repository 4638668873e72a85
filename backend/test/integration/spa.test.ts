import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import express from 'express';
import { LONG_CACHE, spaRoutes } from '../../src/http/spa.js';

/**
 * The dashboard as `npm start` serves it (spaRoutes), over real HTTP: each file's precompressed copy (brotli or
 * gzip, as the client accepts) with the headers a cache and a browser need, else the file itself.
 */

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

let server: Server;
let base = '';
let dir = '';

/** node:http, not fetch: the bytes as sent (fetch decompresses by itself). */
function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const text = (n: number, seed: string) => Array.from({ length: n }, (_, i) => `${seed}(${i});`).join('\n');
const INDEX = `<!doctype html><html><head><title>t</title></head><body>${text(200, 'index')}</body></html>`;
const MAIN = text(2000, 'main');
const CHUNK = text(1500, 'chunk');
const PLAIN = 'not precompressed';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'storyflow-spa-'));
  const write = (name: string, body: string, codings: ('br' | 'gz')[]) => {
    writeFileSync(join(dir, name), body);
    if (codings.includes('br')) writeFileSync(join(dir, `${name}.br`), brotliCompressSync(body));
    if (codings.includes('gz')) writeFileSync(join(dir, `${name}.gz`), gzipSync(body));
  };
  write('index.html', INDEX, ['br', 'gz']);
  write('main-M6OICQB5.js', MAIN, ['br', 'gz']);
  // A lazy chunk's hash: lower case, `_` and `-` too. Only a gzip copy of it.
  write('chunk-Dc__-FmA.js', CHUNK, ['gz']);
  write('favicon.svg', PLAIN, []);
  write('.secret.js', MAIN, ['br', 'gz']);
  const app = express().use(spaRoutes(dir));
  server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

describe('the dashboard served precompressed (spaRoutes)', () => {
  it('sends the brotli copy to a browser: its own length and ETag, the file’s type and caching, Vary', async () => {
    const res = await get('/main-M6OICQB5.js', { 'accept-encoding': 'gzip, deflate, br, zstd' });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers['content-type']).toMatch(/^(text|application)\/javascript/);
    expect(res.headers['cache-control']).toBe(LONG_CACHE);
    expect(String(res.headers['vary'])).toMatch(/Accept-Encoding/i);
    expect(Number(res.headers['content-length'])).toBe(res.body.length);
    expect(res.body.length).toBeLessThan(MAIN.length / 3);
    expect(brotliDecompressSync(res.body).toString()).toBe(MAIN);
    // No byte ranges of a compressed copy.
    expect(res.headers['accept-ranges']).not.toBe('bytes');

    // Another representation, another validator: a cache never confuses the two.
    const identity = await get('/main-M6OICQB5.js');
    expect(identity.headers['etag']).toBeDefined();
    expect(res.headers['etag']).not.toBe(identity.headers['etag']);
  });

  it('sends gzip to a client that takes only gzip, and the file itself to one that takes neither', async () => {
    const gz = await get('/main-M6OICQB5.js', { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(Number(gz.headers['content-length'])).toBe(gz.body.length);
    expect(gunzipSync(gz.body).toString()).toBe(MAIN);

    for (const accept of [undefined, 'identity', 'br;q=0, gzip;q=0', 'deflate']) {
      const res = await get('/main-M6OICQB5.js', accept === undefined ? {} : { 'accept-encoding': accept });
      expect({ accept, encoding: res.headers['content-encoding'], body: res.body.toString() }).toEqual({
        accept,
        encoding: undefined,
        body: MAIN,
      });
      expect(Number(res.headers['content-length'])).toBe(MAIN.length);
      expect(res.headers['cache-control']).toBe(LONG_CACHE);
      expect(String(res.headers['vary'])).toMatch(/Accept-Encoding/i);
    }
  });

  it('falls back to the next coding the client takes, then to the file, when a copy is missing', async () => {
    const gz = await get('/chunk-Dc__-FmA.js', { 'accept-encoding': 'br, gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).toString()).toBe(CHUNK);
    expect(gz.headers['cache-control']).toBe(LONG_CACHE);

    const identity = await get('/chunk-Dc__-FmA.js', { 'accept-encoding': 'br' });
    expect(identity.headers['content-encoding']).toBeUndefined();
    expect(identity.body.toString()).toBe(CHUNK);

    const plain = await get('/favicon.svg', { 'accept-encoding': 'br, gzip' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(plain.headers['cache-control']).toBe('no-cache');
    expect(plain.body.toString()).toBe(PLAIN);
  });

  it('answers HEAD with the copy’s headers and no body, and a matching If-None-Match with 304', async () => {
    const head = await get('/main-M6OICQB5.js', { 'accept-encoding': 'br' }, 'HEAD');
    const full = await get('/main-M6OICQB5.js', { 'accept-encoding': 'br' });
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(head.headers['content-encoding']).toBe('br');
    expect(head.headers['content-length']).toBe(full.headers['content-length']);

    const again = await get('/main-M6OICQB5.js', { 'accept-encoding': 'br', 'if-none-match': String(full.headers['etag']) });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
  });

  it('serves index.html, precompressed and never cached, at / and for client-side routes', async () => {
    for (const path of ['/', '/stats', '/stories/0123456789abcdef01234567']) {
      const res = await get(path, { accept: 'text/html', 'accept-encoding': 'gzip, br' });
      expect({ path, status: res.status, encoding: res.headers['content-encoding'] }).toEqual({ path, status: 200, encoding: 'br' });
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(String(res.headers['vary'])).toMatch(/Accept-Encoding/i);
      expect(brotliDecompressSync(res.body).toString()).toBe(INDEX);
    }
    const identity = await get('/stories', { accept: 'text/html' });
    expect(identity.headers['content-encoding']).toBeUndefined();
    expect(identity.headers['cache-control']).toBe('no-cache');
    expect(identity.body.toString()).toBe(INDEX);
  });

  it('serves no dotfile and nothing outside its directory, compressed or not', async () => {
    for (const path of ['/.secret.js', '/..%2f..%2fetc%2fpasswd', '/%2e%2e/%2e%2e/etc/passwd', '/main-M6OICQB5.js%00']) {
      const res = await get(path, { accept: 'application/javascript', 'accept-encoding': 'br, gzip' });
      expect({ path, status: res.status, encoding: res.headers['content-encoding'] }).toEqual({ path, status: 404, encoding: undefined });
    }
  });
});
