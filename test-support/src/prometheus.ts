import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@storyflow/backend/free-port';
import { repoRoot } from './paths.js';
import { startProcess, type ManagedProcess } from './process.js';
import { waitFor } from './wait.js';

export const PROMETHEUS_PATH = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';

export interface PrometheusProcess extends ManagedProcess {
  url: string;
  /** An instant query through the HTTP API: its result vector (empty: no series). */
  query(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
}

/**
 * The compose profile's observability/prometheus.yml with its Docker DNS discovery replaced by `targets`
 * (host:port), and scraping every `scrapeSeconds`: the rest (job, path) as deployed. With `viewTokenFile`,
 * its authorization lines are switched on as docker-compose.yml does when VIEW_TOKEN is set.
 */
export function prometheusConfig(targets: string[], options: { scrapeSeconds?: number; viewTokenFile?: string } = {}): string {
  const { scrapeSeconds = 1, viewTokenFile } = options;
  const deployed = readFileSync(join(repoRoot, 'observability/prometheus.yml'), 'utf8');
  const discovery = / {4}dns_sd_configs:\n(?: {6,}.*\n)+/;
  if (!discovery.test(deployed)) throw new Error('observability/prometheus.yml: no dns_sd_configs block to replace');
  const withToken = viewTokenFile
    ? deployed.replace(/^#view-token /gm, '').replace(/credentials_file: .*/, `credentials_file: ${viewTokenFile}`)
    : deployed;
  return withToken
    .replace(discovery, `    static_configs:\n      - targets: [${targets.map((t) => `'${t}'`).join(', ')}]\n`)
    .replace(/scrape_interval: \d+s/, `scrape_interval: ${scrapeSeconds}s`)
    .replace(/evaluation_interval: \d+s/, `evaluation_interval: ${scrapeSeconds}s`);
}

/** Debian's Prometheus on a free loopback port, with `config` and a private data directory; resolved once ready. */
export async function startPrometheus(config: string): Promise<PrometheusProcess> {
  if (!existsSync(PROMETHEUS_PATH))
    throw new Error(`${PROMETHEUS_PATH} not found: install Debian's prometheus (\`apt-get install prometheus\`; .ci/run does)`);
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'storyflow-prometheus-'));
  writeFileSync(join(dir, 'prometheus.yml'), config);
  const proc = startProcess(PROMETHEUS_PATH, [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
  ]);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (!proc.running()) throw new Error(`prometheus exited:\n${proc.output()}`);
      return (await fetch(`${url}/-/ready`).catch(() => null))?.ok === true;
    },
    { timeoutMs: 20_000, what: 'prometheus ready' },
  );
  const stop = proc.stop.bind(proc);
  return Object.assign(proc, {
    url,
    async query(expr: string) {
      const res = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query: expr }).toString()}`);
      const body = (await res.json()) as { status: string; error?: string; data?: { resultType: string; result: never[] } };
      if (body.status !== 'success') throw new Error(`${expr}: ${body.error ?? res.status}`);
      return body.data!.result;
    },
    stop: async (graceMs?: number) => {
      const exit = await stop(graceMs);
      rmSync(dir, { recursive: true, force: true });
      return exit;
    },
  });
}
