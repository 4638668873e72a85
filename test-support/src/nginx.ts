import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@storyflow/backend/free-port';
import { nginxConfPath } from './paths.js';
import { startProcess, type ManagedProcess } from './process.js';
import { waitFor } from './wait.js';

/** Debian's nginx; NGINX_BIN overrides it. */
export const NGINX_PATH = process.env.NGINX_BIN ?? '/usr/sbin/nginx';

export interface NginxProcess extends ManagedProcess {
  url: string;
  /** Its access log (nginx.conf logs to /dev/stdout: a file here). */
  accessLog(): string;
}

/** The repository's nginx.conf with only its marked substitution points replaced. */
export function renderNginxConf(
  source: string,
  to: { backend: string; listen: string; root: string; tmp: string; resolver?: string },
): string {
  const replacements: [string, string][] = [
    // First, so that paths inserted below (which may themselves lie under /tmp) are left alone.
    ['/tmp/', `${to.tmp}/`],
    ['http://backend:3000;', `http://${to.backend};`],
    // Docker's DNS has no meaning here: a test's own (several replicas under one name), or none needed.
    ['resolver 127.0.0.11 ', `resolver ${to.resolver ?? '127.0.0.1:53'} `],
    ['listen 8080;', `listen ${to.listen};`],
    ['/usr/share/nginx/html', to.root],
  ];
  let out = source;
  for (const [from, replacement] of replacements) {
    if (!out.includes(from)) throw new Error(`nginx.conf no longer contains \`${from}\`: update renderNginxConf`);
    out = out.split(from).join(replacement);
  }
  return out;
}

/**
 * Debian's nginx with the project's nginx.conf (only its addresses and paths rendered for local ports),
 * proxying to `backend` (host:port) and serving `root`; resolved once its /healthz answers.
 */
export async function startNginx(options: { backend: string; root: string; resolver?: string }): Promise<NginxProcess> {
  if (!existsSync(NGINX_PATH))
    throw new Error(`nginx not found at ${NGINX_PATH}: install Debian's nginx (\`apt-get install nginx\`; .ci/run does)`);
  const port = await freePort();
  const tmp = mkdtempSync(join(tmpdir(), 'storyflow-nginx-'));
  const conf = join(tmp, 'nginx.conf');
  writeFileSync(
    conf,
    renderNginxConf(readFileSync(nginxConfPath, 'utf8'), {
      backend: options.backend,
      ...(options.resolver ? { resolver: options.resolver } : {}),
      listen: `127.0.0.1:${port}`,
      root: options.root,
      tmp,
    }),
  );
  // The access log goes to /dev/stdout, which nginx open()s: a file here (a pipe or a TTY in a container).
  const logPath = join(tmp, 'access.log');
  const accessLog = openSync(logPath, 'a', 0o644);
  // Started as root (CI), nginx would switch its workers to `nobody`, who may not be able to read a checkout
  // under /root: keep them as the current user. nginx.conf itself has no `user`; in the container nginx runs as uid 101.
  const globals = process.getuid?.() === 0 ? 'daemon off; user root;' : 'daemon off;';
  // Foreground, its own prefix; -e stderr so nothing is written to /var/log/nginx before the config is read.
  const proc = startProcess(NGINX_PATH, ['-e', 'stderr', '-p', `${tmp}/`, '-c', conf, '-g', globals], {
    stdio: ['ignore', accessLog, 'pipe'],
  });
  closeSync(accessLog);
  const url = `http://127.0.0.1:${port}`;
  const stop = proc.stop.bind(proc);
  const nginx: NginxProcess = Object.assign(proc, {
    url,
    accessLog: () => readFileSync(logPath, 'utf8'),
    // SIGTERM is nginx's fast shutdown: open WebSockets do not hold it up.
    stop: async (graceMs = 5_000) => {
      const exit = await stop(graceMs);
      rmSync(tmp, { recursive: true, force: true });
      return exit;
    },
  });
  try {
    await waitFor(
      async () => {
        if (!proc.running()) throw new Error(`nginx exited:\n${proc.output()}`);
        return fetch(`${url}/healthz`).then(
          (r) => r.ok,
          () => false,
        );
      },
      { timeoutMs: 15_000, intervalMs: 50, what: 'nginx /healthz' },
    );
  } catch (error) {
    await nginx.stop();
    throw error;
  }
  return nginx;
}
