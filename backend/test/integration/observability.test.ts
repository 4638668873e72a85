import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { api, request } from '../support/http.js';
import { startTestServer } from '../support/test-server.js';
import { prometheusConfig, sleep, startPrometheus, waitFor } from '@storyflow/test-support';

/**
 * The observability profile: docker-compose lists Prometheus and Grafana under it, Prometheus scrapes the
 * backend, and every metric the provisioned Grafana dashboard queries is one a running server exports; a
 * real Prometheus (Debian's) with the deployed scrape settings answers every one of its queries.
 */
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const COMPOSE = process.env.DOCKER_COMPOSE_BIN ?? 'docker-compose';
const file = (path: string) => readFileSync(`${repoRoot}/${path}`, 'utf8');

interface Panel {
  title: string;
  targets: { expr: string }[];
}
const dashboardQueries = () =>
  (JSON.parse(file('observability/grafana/dashboards/storyflow.json')) as { panels: Panel[] }).panels.flatMap((p) =>
    p.targets.map((t) => ({ panel: p.title, expr: t.expr })),
  );

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

describe('observability profile', () => {
  it('docker-compose --profile observability config lists prometheus and grafana, provisioned from observability/', () => {
    const yaml = execFileSync(COMPOSE, ['--env-file', '.env.example', '--profile', 'observability', 'config'], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...process.env, API_TOKEN: 'observability-test-token-0123' },
    });
    const services = JSON.parse(
      execFileSync('python3', ['-c', 'import sys, json, yaml; json.dump(yaml.safe_load(sys.stdin)["services"], sys.stdout)'], {
        input: yaml,
        encoding: 'utf8',
      }),
    ) as Record<string, { profiles?: string[]; volumes?: (string | { source: string; target: string })[] }>;
    for (const name of ['prometheus', 'grafana']) expect(services[name]?.profiles).toEqual(['observability']);
    // docker-compose 1.x resolves a bind mount to `/abs/source:target:mode`, newer ones to an object.
    const mounts = (name: string) =>
      (services[name]!.volumes ?? []).map((v) => {
        const [source, target] = typeof v === 'string' ? v.split(':') : [v.source, v.target];
        return `${source!.replace(repoRoot, '').replace(/^\//, '')} → ${target}`;
      });
    expect(mounts('prometheus')).toContain('observability/prometheus.yml → /etc/prometheus/prometheus.yml');
    expect(mounts('grafana')).toEqual(
      expect.arrayContaining([
        'observability/grafana/provisioning → /etc/grafana/provisioning',
        'observability/grafana/dashboards → /var/lib/grafana/dashboards',
      ]),
    );
    // Prometheus finds every backend instance by the service's name, on the port the backend listens on.
    expect(file('observability/prometheus.yml')).toMatch(/names: \['backend'\][\s\S]*port: 3000/);
  });

  it('the provisioned dashboard queries only metrics the server exports', async () => {
    // Some of everything first: a story, a refusal, so the labelled series exist.
    const story = (await api(server.url).createStory({ tasks: [{ estimate: 5 }] })).body;
    await waitFor(async () => (await api(server.url).getStory(story.id)).body.status === 'Done');
    await api(server.url).createStory({ tasks: [] });
    const exported = new Set(
      (await request<string>(server.url, 'GET', '/metrics')).body
        .split('\n')
        .filter((line) => line.startsWith('# TYPE '))
        .flatMap((line) => {
          const [, , name, type] = line.split(' ');
          return type === 'histogram' ? [`${name}_bucket`, `${name}_count`, `${name}_sum`] : [name!];
        }),
    );
    const dashboard = JSON.parse(file('observability/grafana/dashboards/storyflow.json')) as { panels: Panel[] };
    const queried = dashboard.panels.flatMap((p) => p.targets.flatMap((t) => t.expr.match(/\bstoryflow_[a-z0-9_]+/g) ?? []));
    expect(queried.length).toBeGreaterThan(10);
    expect([...new Set(queried)].filter((name) => !exported.has(name))).toEqual([]);
    // What an operator asks first is there: throughput, latency percentiles, backlog and its age, pool, errors, database, event loop.
    const titles = dashboard.panels.map((p) => p.title).join(' | ');
    for (const topic of [
      'Stories per second',
      'Story latency',
      'Backlog',
      'Oldest Open story',
      'Worker pool',
      'HTTP errors',
      'Database operations',
      'Event-loop lag',
    ])
      expect(titles).toContain(topic);
  });

  it('a real Prometheus, scraping with the deployed settings and VIEW_TOKEN, has data for every dashboard query', async () => {
    const token = 'observability-view-token-0123456789';
    const operator = 'observability-api-token-0123456789';
    const own = await startTestServer({ API_TOKEN: operator, VIEW_TOKEN: token, RATE_LIMIT_PER_SEC: '0' });
    const dir = mkdtempSync(join(tmpdir(), 'storyflow-view-token-'));
    writeFileSync(join(dir, 'token'), token);
    const prometheus = await startPrometheus(prometheusConfig([new URL(own.url).host], { viewTokenFile: join(dir, 'token') }));
    try {
      await waitFor(async () => (await prometheus.query('up{job="storyflow"}'))[0]?.value[1] === '1', {
        timeoutMs: 20_000,
        what: 'the backend scraped, its token accepted',
      });
      // Then a few seconds of stories finishing and of refusals, scraped every second: rates have samples to go on.
      const headers = { authorization: `Bearer ${operator}`, 'content-type': 'application/json' };
      for (let i = 0; i < 40; i++) {
        const tasks = i % 10 === 0 ? [] : [{ estimate: 20 }, { estimate: 40 }];
        await fetch(`${own.url}/api/stories`, { method: 'POST', headers, body: JSON.stringify({ tasks }) });
        await sleep(100);
      }
      // Each query answers a series with a number (a rate over too few samples would be NaN).
      const answer = async () =>
        Promise.all(
          dashboardQueries().map(async (q) => ({ ...q, values: (await prometheus.query(q.expr)).map((r) => Number(r.value[1])) })),
        );
      const unanswered = (answers: Awaited<ReturnType<typeof answer>>) =>
        answers.filter((a) => a.values.length === 0 || a.values.some(Number.isNaN));
      const answers = await waitFor(
        async () => {
          const all = await answer();
          return unanswered(all).length === 0 && all;
        },
        { timeoutMs: 15_000, what: 'every dashboard query answered with a number' },
      ).catch(answer);
      expect(unanswered(answers)).toEqual([]);
      // The latency percentiles are the histogram's: p99 within the stories' real range (40 ms task, a few ms more).
      const [p99] = await prometheus.query('histogram_quantile(0.99, sum by (le) (rate(storyflow_story_duration_seconds_bucket[1m])))');
      expect(Number(p99!.value[1])).toBeGreaterThanOrEqual(0.04);
      expect(Number(p99!.value[1])).toBeLessThan(0.5);
    } finally {
      await prometheus.stop();
      await own.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
