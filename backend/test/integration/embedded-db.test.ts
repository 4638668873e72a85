import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import type { HealthDto } from '@storyflow/contracts';
import { startBackend, waitFor, type BackendProcess } from '@storyflow/test-support';
import { api, request } from '../support/http.js';

const children: BackendProcess[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) await c.stop();
});

describe('npm start without MONGODB_URI', () => {
  it('starts an embedded database by itself, says which in /api/health, and warns when it is not durable', async () => {
    // The default (`auto`): a mongod when one can be had, otherwise the in-memory server. The test makes
    // "no mongod" certain, online or not: an empty binary cache and a download mirror that refuses at once.
    const server = await startBackend({
      env: {
        MONGODB_URI: '',
        EMBEDDED_DB: 'auto',
        MONGOMS_DOWNLOAD_DIR: mkdtempSync(join(tmpdir(), 'sf-mongod-bin-')),
        MONGOMS_DOWNLOAD_MIRROR: 'http://127.0.0.1:9',
        MONGOMS_MAX_RETRIES: '0',
        LOG_LEVEL: 'info',
        DATA_DIR: mkdtempSync(join(tmpdir(), 'sf-data-')),
      },
    });
    children.push(server);
    const health = await request<HealthDto>(server.url, 'GET', '/api/health');
    expect(health.status).toBe(200);
    expect(health.body.db).toMatchObject({ mode: 'embedded-memory', durable: false, state: 'connected' });
    expect(server.output()).toContain('no mongod binary available; using the in-memory database');
    expect(server.output()).toContain('data lasts only while the server runs');
    expect(server.output()).toContain('MONGODB_URI');
    const created = await api(server.url).createStory({ tasks: [{ estimate: 10 }] });
    expect(created.status).toBe(201);
    await waitFor(async () => (await api(server.url).getStory(created.body.id)).body.status === 'Done', { what: 'story Done' });
  });
});
