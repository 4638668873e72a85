import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { ListStoriesQuerySchema, createStoryRequestSchemas, pickCreateStorySchema, type ApiErrorBody } from '@storyflow/contracts';
import { because } from '../support/because.js';
import { request, type Method } from '../support/http.js';
import { startTestServer } from '../support/test-server.js';

/**
 * Property-based fuzzing of every endpoint with requests that are wrong by construction: bodies the
 * schemas reject (operators, prototype keys, wrong types, huge values), hostile query strings, bad
 * ids, wrong methods, bad encodings. Every answer must be a 4xx with the JSON error shape; nothing is
 * stored; the server stays healthy.
 */
let server: Awaited<ReturnType<typeof startTestServer>>;
const schemas = createStoryRequestSchemas();
const seen: Record<string, number> = {};

beforeAll(async () => {
  // No rate limit: a thousand requests from one address is the point here.
  server = await startTestServer({ RATE_LIMIT_PER_SEC: '0', BODY_LIMIT: '64kb' });
});
afterAll(() => server?.stop());

interface BadRequest {
  method: string;
  path: string;
  body?: string;
  headers?: Record<string, string>;
}

const json = { 'content-type': 'application/json' };
const hostileValue = fc.oneof(
  fc.constant({ $gt: '' }),
  fc.constant({ $ne: null }),
  fc.constant({ $where: 'sleep(1000)' }),
  fc.constant({ __proto__: { polluted: true } }),
  fc.constant(JSON.parse('{"__proto__":{"polluted":true}}')),
  fc.constant({ constructor: { prototype: { polluted: true } } }),
  fc.constant(Number.MAX_VALUE),
  fc.constant(-1e308),
  fc.constant('9'.repeat(400)),
  fc.constant([[[[[[[[[[]]]]]]]]]]),
  fc.anything({ maxDepth: 3 }),
);
/** JSON bodies for POST /api/stories the server must reject. */
const badStoryBody = fc
  .oneof(
    fc.record({ tasks: fc.array(fc.record({ estimate: hostileValue }), { maxLength: 4 }) }),
    fc.record({ taskCount: hostileValue, estimateMin: hostileValue, estimateMax: hostileValue }),
    fc.record({ title: hostileValue, tasks: fc.constant([{ estimate: 10 }]), extra: hostileValue }),
    fc.dictionary(fc.string({ maxLength: 12 }), hostileValue, { maxKeys: 5 }),
    hostileValue,
  )
  .filter((body) => !pickCreateStorySchema(body, schemas).safeParse(body).success);
const storyPosts = badStoryBody.map((body): BadRequest => ({
  method: 'POST',
  path: '/api/stories',
  body: JSON.stringify(body) ?? 'null',
  headers: json,
}));
const jobPosts = fc
  .oneof(fc.record({ id: hostileValue, tasks: hostileValue }), fc.record({ tasks: fc.constant([{ estimate: 10 }]) }), hostileValue)
  .map((body): BadRequest => ({ method: 'POST', path: '/api/jobs', body: JSON.stringify(body) ?? 'null', headers: json }));
const malformedJson = fc
  .tuple(
    fc.string({ maxLength: 40 }).filter((text) => {
      try {
        JSON.parse(text);
        return false;
      } catch {
        return true;
      }
    }),
    fc.constantFrom('/api/stories', '/api/jobs'),
  )
  .map(([body, path]): BadRequest => ({ method: 'POST', path, body, headers: json }));
const queryKey = fc.oneof(
  fc.constantFrom('status[$ne]', 'status[$gt]', 'page[$gt]', '__proto__', 'constructor', 'limit[]', 'sort', 'q'),
  fc.string({ minLength: 1, maxLength: 8 }),
);
const listQueries = fc
  .array(fc.tuple(queryKey, fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom('-1', '0', '1e9', 'NaN', 'Open', 'Done', '101'))), {
    minLength: 1,
    maxLength: 4,
  })
  .map((pairs) => new URLSearchParams(pairs).toString())
  .filter((qs) => {
    const parsed = ListStoriesQuerySchema.safeParse(Object.fromEntries(new URLSearchParams(qs)));
    // Repeated keys become arrays server-side: those are bad too.
    const keys = [...new URLSearchParams(qs).keys()];
    return !parsed.success || new Set(keys).size !== keys.length;
  })
  .map((qs): BadRequest => ({ method: 'GET', path: `/api/stories?${qs}` }));
const badIds = fc
  .oneof(
    fc.string({ minLength: 1, maxLength: 30 }),
    fc.stringMatching(/^[0-9a-f]{24}$/),
    fc.constantFrom('%00', '..%2F..%2Fetc', '%E2%82%AC', '$where'),
  )
  .map((id) => encodeURIComponent(id))
  .chain((id) =>
    fc.constantFrom<BadRequest>({ method: 'GET', path: `/api/stories/${id}` }, { method: 'DELETE', path: `/api/stories/${id}` }),
  );
const wrongMethods = fc
  .tuple(
    fc.constantFrom('PUT', 'PATCH', 'POST', 'DELETE', 'GET'),
    fc.constantFrom(
      '/api/health',
      '/api/stats',
      '/api/limits',
      '/api/openapi.json',
      '/api/access',
      '/api/jobs',
      '/api/stories/0123456789abcdef01234567',
      '/api/stories',
    ),
  )
  .filter(([method, path]) => {
    const allowed: Record<string, string[]> = {
      '/api/jobs': ['POST'],
      '/api/stories': ['GET', 'POST', 'DELETE'],
      '/api/stories/0123456789abcdef01234567': ['GET', 'DELETE'],
    };
    return !(allowed[path] ?? ['GET']).includes(method);
  })
  .map(([method, path]): BadRequest => ({ method, path, body: method === 'GET' ? undefined : '{}', headers: json }));
const badEncodings = fc
  .tuple(
    fc.constantFrom<Record<string, string>>(
      { 'content-type': 'application/json; charset=utf-16' },
      { 'content-type': 'application/json; charset=iso-8859-1' },
      { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      { 'content-type': 'application/json', 'content-encoding': 'br' },
      { 'content-type': 'text/plain' },
      { 'content-type': 'multipart/form-data; boundary=x' },
      { 'content-type': 'application/x-www-form-urlencoded' },
    ),
    fc.constantFrom('/api/stories', '/api/jobs'),
    fc.uint8Array({ maxLength: 64 }),
  )
  .map(([headers, path, bytes]): BadRequest => ({ method: 'POST', path, body: Buffer.from(bytes).toString('latin1'), headers }));
const bulkDeletes = fc
  .string({ maxLength: 10 })
  .filter((s) => s !== 'Done')
  .map((status): BadRequest => ({ method: 'DELETE', path: `/api/stories?status=${encodeURIComponent(status)}` }));

const kinds = {
  storyPosts,
  jobPosts,
  malformedJson,
  listQueries,
  badIds,
  wrongMethods,
  badEncodings,
  bulkDeletes,
};

describe('fuzzing every endpoint with bad requests', () => {
  it('answers each with a 4xx JSON error, never a 5xx, and stores nothing', async () => {
    const before = (await request<{ total: number }>(server.url, 'GET', '/api/stories')).body.total;
    const statuses: Record<string, number> = {};
    for (const [kind, arbitrary] of Object.entries(kinds)) {
      await fc.assert(
        fc.asyncProperty(arbitrary, async (bad) => {
          const res = await request<ApiErrorBody>(server.url, bad.method as Method, bad.path, bad.body, bad.headers);
          const cls = `${Math.floor(res.status / 100)}xx`;
          statuses[cls] = (statuses[cls] ?? 0) + 1;
          seen[kind] = (seen[kind] ?? 0) + 1;
          because(`${bad.method} ${bad.path} ${bad.body ?? ''}`, () => {
            expect(res.status).toBeGreaterThanOrEqual(400);
            expect(res.status).toBeLessThan(500);
          });
          expect(res.header['content-type']).toMatch(/^application\/json/);
          expect(res.body.error).toEqual({ code: expect.any(String), message: expect.any(String), details: expect.any(Array) });
        }),
        { numRuns: 160, seed: 20261127 },
      );
    }
    const total = Object.values(seen).reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThanOrEqual(1000);
    expect(statuses['5xx'] ?? 0).toBe(0);
    expect((await request<{ total: number }>(server.url, 'GET', '/api/stories')).body.total).toBe(before);
    expect((await request(server.url, 'GET', '/api/health')).status).toBe(200);
    // Nothing reached Object.prototype.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    process.stdout.write(`fuzz: ${total} bad requests, by status class ${JSON.stringify(statuses)}, by kind ${JSON.stringify(seen)}\n`);
  }, 180_000);
});
