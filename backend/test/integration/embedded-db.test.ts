import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { HealthDto } from '@storyflow/contracts';
import { startChildServer, type ChildServer } from '../support/child-server.js';
import { api, request, waitFor } from '../support/http.js';

const children: ChildServer[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) {
    c.process.kill('SIGTERM');
    await c.exited;
  }
});

describe('npm start without MONGODB_URI', () => {
  it('starts an embedded database by itself, says which in /api/health, and warns when it is not durable', async () => {
    // The default (`auto`): a mongod when one can be had, otherwise (offline, as in CI) the in-memory server.
    const server = await startChildServer({
      MONGODB_URI: '',
      EMBEDDED_DB: 'auto',
      LOG_LEVEL: 'info',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'sf-data-')),
    });
    children.push(server);
    const health = await request<HealthDto>(server.url, 'GET', '/api/health');
    expect(health.status).toBe(200);
    expect(['embedded-mongod', 'embedded-memory']).toContain(health.body.db.mode);
    if (health.body.db.mode === 'embedded-memory') {
      expect(health.body.db.durable).toBe(false);
      expect(server.output()).toContain('data lasts only while the server runs');
      expect(server.output()).toContain('MONGODB_URI');
    }
    const created = await api(server.url).createStory({ tasks: [{ estimate: 10 }] });
    expect(created.status).toBe(201);
    await waitFor(async () => (await api(server.url).getStory(created.body.id)).body.status === 'Done');
  });
});
