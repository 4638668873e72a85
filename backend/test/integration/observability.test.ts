import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { api, request } from '../support/http.js';
import { startTestServer } from '../support/test-server.js';
import { waitFor } from '@storyflow/test-support';

/**
 * The observability profile: docker-compose lists Prometheus and Grafana under it, Prometheus scrapes the
 * backend, and every metric the provisioned Grafana dashboard queries is one a running server exports.
 */
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const COMPOSE = process.env.DOCKER_COMPOSE_BIN ?? 'docker-compose';
const file = (path: string) => readFileSync(`${repoRoot}/${path}`, 'utf8');

interface Panel {
  title: string;
  targets: { expr: string }[];
}

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
});
