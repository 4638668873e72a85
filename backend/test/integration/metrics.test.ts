import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { waitFor } from '@storyflow/test-support';
import { because } from '../support/because.js';
import { api, request } from '../support/http.js';
import { startTestServer } from '../support/test-server.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

const scrape = async () => {
  const res = await request<string>(server.url, 'GET', '/metrics');
  expect(res.status).toBe(200);
  expect(res.header['content-type']).toContain('text/plain');
  return res.body;
};
const value = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(series + ' ') || l.startsWith(series + '{'));
  return line ? Number(line.split(' ').at(-1)) : NaN;
};

describe('Prometheus metrics', () => {
  it('exposes HTTP latency, story latency, the pool, database operations and refusals', async () => {
    const story = (await api(server.url).createStory({ tasks: [{ estimate: 5 }, { estimate: 8 }] })).body;
    await waitFor(async () => (await api(server.url).getStory(story.id)).body.status === 'Done');
    expect((await api(server.url).createStory({ tasks: [] })).status).toBe(400);
    const text = await scrape();
    // One observation per story stored Done, each at least its longest task (8 ms).
    expect(value(text, 'storyflow_story_duration_seconds_count')).toBe(value(text, 'storyflow_stories_completed'));
    expect(value(text, 'storyflow_story_duration_seconds_bucket{le="0.01"}')).toBeGreaterThanOrEqual(0);
    expect(value(text, 'storyflow_story_duration_seconds_sum')).toBeGreaterThanOrEqual(0.008 * value(text, 'storyflow_stories_completed'));
    expect(text).toMatch(/storyflow_http_request_duration_seconds_count\{method="POST",route="\/api\/stories",status="201"\} [1-9]/);
    expect(text).toMatch(/storyflow_db_operations_total\{command="insert",collection="stories"\} [1-9]/);
    expect(text).toMatch(/storyflow_db_operations_total\{command="update",collection="stories"\} [1-9]/);
    expect(text).toMatch(/storyflow_refusals_total\{code="validation_failed"\} [1-9]/);
    for (const gauge of [
      'storyflow_pool_size',
      'storyflow_busy_workers',
      'storyflow_backlog_tasks',
      'storyflow_open_tasks',
      'storyflow_stories_completed',
      'storyflow_oldest_open_story_age_seconds',
    ])
      because(gauge, () => expect(value(text, gauge)).toBeGreaterThanOrEqual(0));
    expect(value(text, 'storyflow_stories_completed')).toBeGreaterThanOrEqual(1);
    // Routes are labelled by template, never by id.
    expect(text).not.toContain(story.id);
  });

  it('serves just the named series on ?name=, for cheap polling', async () => {
    const res = await request<string>(server.url, 'GET', '/metrics?name=storyflow_stories_completed&name=storyflow_pool_size&name=nope');
    const series = res.body.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(series.map((l) => l.split(' ')[0])).toEqual(['storyflow_stories_completed', 'storyflow_pool_size']);
  });
});
