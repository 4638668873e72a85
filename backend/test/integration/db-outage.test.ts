import { describe, expect, it } from '@jest/globals';
import type { ApiErrorBody, HealthDto } from '@storyflow/contracts';
import { startJongodb } from '../../src/db/jongodb.js';
import { waitFor } from '@storyflow/test-support';
import { api, request } from '../support/http.js';
import { startTestServer } from '../support/test-server.js';

describe('when the database goes away', () => {
  it('answers 503 (not 500) and reports unhealthy, without crashing', async () => {
    const db = await startJongodb();
    const server = await startTestServer({ MONGODB_URI: db.uri, DB_TIMEOUT_MS: '1000' });
    try {
      expect((await api(server.url).createStory({ tasks: [{ estimate: 5 }] })).status).toBe(201);
      await db.stop();

      const refused = await request<ApiErrorBody>(server.url, 'POST', '/api/stories', { tasks: [{ estimate: 5 }] });
      expect(refused.status).toBe(503);
      expect(refused.body.error).toMatchObject({ code: 'unavailable', message: expect.stringContaining('database is unavailable') });
      expect((await api(server.url).list()).status).toBe(503);
      const health = await waitFor(
        async () => {
          const h = await request<HealthDto>(server.url, 'GET', '/api/health');
          return h.status === 503 && h;
        },
        { timeoutMs: 15_000, what: 'health 503' },
      );
      expect(health.body.db.state).toBe('disconnected');
      expect(health.body).toMatchObject({ status: 'unavailable', problems: ['database: unavailable'] });
      // Not ready, yet alive: it recovers by itself once the database answers, a restart would not help.
      expect((await request(server.url, 'GET', '/api/health/live')).status).toBe(200);
      // Bad input is still a 400: validation happens before any database access.
      expect((await api(server.url).createStory({ tasks: [] })).status).toBe(400);
    } finally {
      await server.stop().catch(() => undefined);
      await db.stop();
    }
  });
});
