import { afterEach, describe, expect, it } from '@jest/globals';
import type { HealthDto, StatsHistoryDto } from '@storyflow/contracts';
import { freePort, waitFor } from '@storyflow/test-support';
import { api, request } from '../support/http.js';
import { startTestServer } from '../support/test-server.js';
import { startWebhookReceiver } from '../support/webhook-receiver.js';

const running: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) await r.stop();
});

describe('objectives (SLO_*) and the alert webhook', () => {
  it('slow stories fire once (webhook, health, the stats), fast ones resolve once within the window', async () => {
    const receiver = await startWebhookReceiver();
    running.push({ stop: receiver.close });
    const server = await startTestServer({ SLO_STORY_P99_MS: '100', SLO_WINDOW_SECONDS: '3', ALERT_WEBHOOK_URL: receiver.url });
    running.push(server);
    const slo = async () => (await request<HealthDto>(server.url, 'GET', '/api/health')).body.slo!;
    expect(await slo()).toEqual([{ name: 'story_p99', target: 100, value: null, status: 'ok', since: null, windowSec: 3 }]);

    // Stories whose longest task is 300 ms: p99 over the window passes 100 ms.
    for (let i = 0; i < 3; i++)
      expect((await api(server.url).createStory({ tasks: [{ estimate: 300 }, { estimate: 20 }] })).status).toBe(201);
    await waitFor(() => receiver.bodies.length >= 1, { timeoutMs: 8000, what: 'the firing POST' });
    const firing = receiver.bodies[0]!;
    expect(firing.status).toBe('firing');
    expect(firing.alerts[0]).toMatchObject({
      status: 'firing',
      labels: { alertname: 'StoryflowStoryLatencyP99', objective: 'story_p99', service: 'storyflow' },
      target: 100,
      endsAt: '0001-01-01T00:00:00Z',
    });
    expect(firing.alerts[0]!['value'] as number).toBeGreaterThan(100);
    expect(await slo()).toMatchObject([{ status: 'firing', since: expect.any(Number) }]);
    const sample = (await api(server.url).stats()).body.history.at(-1)!;
    expect(sample.alerts).toMatchObject([{ name: 'story_p99', target: 100 }]);
    // The seconds' latencies are persisted with the rest (written every 5 s): the history has the three.
    await waitFor(
      async () => {
        const history = (await request<StatsHistoryDto>(server.url, 'GET', '/api/stats/history?range=15m')).body;
        return history.points.reduce((n, p) => n + (p.latency?.count ?? 0), 0) === 3;
      },
      { timeoutMs: 8000, what: 'the slow stories in the persisted history' },
    );
    const slowest = (await request<StatsHistoryDto>(server.url, 'GET', '/api/stats/history?range=15m')).body.points.find((p) => p.latency);
    expect(slowest!.latency!.p99).toBeGreaterThanOrEqual(300);

    // Fast stories from now on: once the slow ones leave the 3 s window, it resolves, once.
    const fast = setInterval(() => void api(server.url).createStory({ tasks: [{ estimate: 10 }] }), 100);
    try {
      await waitFor(() => receiver.bodies.length >= 2, { timeoutMs: 8000, what: 'the resolved POST' });
      await new Promise((resolve) => setTimeout(resolve, 2000));
    } finally {
      clearInterval(fast);
    }
    expect(receiver.bodies.map((b) => b.status)).toEqual(['firing', 'resolved']);
    expect(receiver.bodies[1]!.alerts[0]).toMatchObject({ status: 'resolved', startsAt: firing.alerts[0]!['startsAt'] });
    expect(Date.parse(receiver.bodies[1]!.alerts[0]!['endsAt'] as string)).toBeGreaterThan(
      Date.parse(firing.alerts[0]!['startsAt'] as string),
    );
    expect(await slo()).toMatchObject([{ status: 'ok', since: null }]);
  }, 30_000);

  it('a dead webhook changes nothing else: stories run, health answers at once', async () => {
    const dead = `http://127.0.0.1:${await freePort()}/alerts`;
    const server = await startTestServer({ SLO_STORY_P99_MS: '100', SLO_WINDOW_SECONDS: '3', ALERT_WEBHOOK_URL: dead });
    running.push(server);
    const slow = (await api(server.url).createStory({ tasks: [{ estimate: 300 }] })).body;
    await waitFor(async () => (await request<HealthDto>(server.url, 'GET', '/api/health')).body.slo?.[0]?.status === 'firing', {
      timeoutMs: 8000,
    });
    const t0 = performance.now();
    const health = await request<HealthDto>(server.url, 'GET', '/api/health');
    expect([health.status, performance.now() - t0 < 500]).toEqual([200, true]);
    expect((await api(server.url).getStory(slow.id)).body.status).toBe('Done');
    expect((await api(server.url).createStory({ tasks: [{ estimate: 5 }] })).status).toBe(201);
  }, 30_000);
});
