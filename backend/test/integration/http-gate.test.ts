import { describe, expect, it } from '@jest/globals';
import { DEFAULT_STORY_LIMITS, type ApiErrorBody } from '@storyflow/contracts';
import { compileTrust } from '../../src/access/client-address.js';
import { createApp } from '../../src/http/app.js';
import { createLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import type { StoryEndpoints } from '../../src/http/endpoints.js';
import { request } from '../support/http.js';

// The express app alone, in-process through supertest: a service that must never be reached while stopping.
let accepting = true;
let reached = 0;
const stories = new Proxy({} as StoryEndpoints, {
  get: () => () => (reached++, Promise.resolve({ items: [], total: 0, page: 1, limit: 20 })),
});
const app = createApp({
  stories,
  audit: { record: () => {}, page: () => Promise.resolve({ items: [], next: null }) },
  system: {
    health: () => ({
      status: accepting ? 'ok' : 'unavailable',
      problems: accepting ? [] : ['stopping'],
      accepting,
      db: { mode: 'external', state: 'connected', durable: true },
      uptimeSec: 1,
    }),
    liveness: () => ({ alive: true, uptimeSec: 1 }),
    snapshot: () => ({ now: 0, history: [] }),
    info: () => {
      throw new Error('not reached');
    },
    history: () => Promise.reject(new Error('not reached')),
  },
  logger: createLogger({ level: 'silent', pretty: false }),
  limits: DEFAULT_STORY_LIMITS,
  bodyLimit: '1kb',
  staticDir: '/nonexistent',
  accepting: () => accepting,
  legacyCorsOrigins: ['*'],
  access: { apiToken: undefined, viewToken: undefined },
  ownHost: () => true,
  metrics: createMetrics({
    pool: () => ({ poolSize: 0, busyWorkers: 0, backlogTasks: 0, oldestOpenAt: null }),
    counters: () => ({ produced: 0, completed: 0, open: 0 }),
    openTasks: () => 0,
    tasksRun: () => 0,
    now: () => Date.now(),
  }),
  trustProxy: compileTrust(['loopback']),
  rateLimit: { perSec: 0, burst: 0 },
  storyRateLimit: { perSec: 0, burst: 0 },
});

describe('while shutting down', () => {
  it('refuses new work with 503 and reports unavailable health', async () => {
    expect((await request(app, 'GET', '/api/stories')).status).toBe(200);
    expect(reached).toBe(1);
    accepting = false;
    const refused = await request<ApiErrorBody>(app, 'POST', '/api/stories', { tasks: [{ estimate: 10 }] });
    expect(refused.status).toBe(503);
    expect(refused.body.error).toMatchObject({ code: 'unavailable', message: 'Server is shutting down' });
    expect((await request(app, 'GET', '/api/health')).status).toBe(503);
    expect(reached).toBe(1);
  });

  it('explains that the dashboard is not built when its files are missing', async () => {
    accepting = true;
    const res = await request<string>(app, 'GET', '/');
    expect(res.status).toBe(503);
    expect(res.body).toContain('npm run build');
  });
});
