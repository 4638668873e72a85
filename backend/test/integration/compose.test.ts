import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { because } from '../support/because.js';

/**
 * The deployment files checked without a Docker engine: Debian's docker-compose validates and resolves
 * docker-compose.yml (with .env.example as the .env, the README's production path), and the facts the
 * services rely on are read from its resolved output. The Dockerfiles are checked against the repository.
 */

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const COMPOSE = process.env.DOCKER_COMPOSE_BIN ?? 'docker-compose';

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  depends_on?: Record<string, { condition: string }>;
  environment?: Record<string, string | null>;
  healthcheck?: { test: string[] | string };
  ports?: ({ published: number | string; target: number } | string)[];
  volumes?: (string | { type: string; source: string; target: string })[];
}
interface ComposeConfig {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

// As an operator would: .env.example as the .env, plus the one value it cannot ship (the operator token).
const TOKEN = 'compose-test-token-0123456789';
const compose = (...args: string[]) =>
  execFileSync(COMPOSE, ['--env-file', '.env.example', ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, API_TOKEN: TOKEN },
  });

let config: ComposeConfig;

beforeAll(() => {
  try {
    execFileSync(COMPOSE, ['version'], { stdio: 'ignore' });
  } catch {
    throw new Error(
      `${COMPOSE} not found: install Debian's docker-compose (\`apt-get install docker-compose\`; .ci/run does) to run this test`,
    );
  }
  // docker-compose prints YAML only; its own dependency python3-yaml turns it into JSON.
  const yaml = compose('config');
  const json = execFileSync('python3', ['-c', 'import sys, json, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)'], {
    input: yaml,
    encoding: 'utf8',
  });
  config = JSON.parse(json) as ComposeConfig;
});

const healthcheck = (s: Service) => [s.healthcheck?.test ?? []].flat().join(' ');

describe('docker-compose.yml', () => {
  it('is valid for docker-compose (config -q)', () => {
    expect(() => compose('config', '-q')).not.toThrow();
  });

  it('refuses to run without API_TOKEN, naming it, and trusts only nginx as the proxy', () => {
    let message = '';
    try {
      execFileSync(COMPOSE, ['--env-file', '.env.example', 'config', '-q'], {
        cwd: repoRoot,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, API_TOKEN: '' },
      });
    } catch (error) {
      message = String((error as { stderr?: string }).stderr);
    }
    expect(message).toContain('set API_TOKEN in .env');
    const backend = config.services['backend']!;
    expect(backend.environment?.['API_TOKEN']).toBe(TOKEN);
    const webIp = (config.services['web'] as Service & { networks?: Record<string, { ipv4_address?: string }> }).networks?.['default']
      ?.ipv4_address;
    expect(webIp).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(backend.environment?.['TRUST_PROXY']).toBe(webIp);
  });

  it('runs mongo with a healthcheck and its data in a named volume', () => {
    const mongo = config.services['mongo']!;
    expect(mongo.image).toMatch(/^mongo:/);
    expect(healthcheck(mongo)).toMatch(/mongosh.*ping/);
    const data = (mongo.volumes ?? []).map((v) => (typeof v === 'string' ? { source: v.split(':')[0]!, target: v.split(':')[1] } : v));
    const volume = data.find((v) => v.target === '/data/db');
    because('a volume at /data/db', () => expect(volume).toBeDefined());
    expect(Object.keys(config.volumes ?? {})).toContain(volume!.source);
  });

  it('starts the backend from backend/Dockerfile once mongo is healthy, pointed at it, with a healthcheck', () => {
    const backend = config.services['backend']!;
    expect(backend.build?.dockerfile).toBe('backend/Dockerfile');
    expect(backend.build?.context.replace(/\/$/, '')).toBe(repoRoot.replace(/\/$/, ''));
    expect(backend.depends_on?.['mongo']?.condition).toBe('service_healthy');
    expect(backend.environment?.['MONGODB_URI']).toBe('mongodb://mongo:27017');
    expect(backend.environment?.['NODE_ENV']).toBe('production');
    expect(healthcheck(backend)).toContain('/api/health');
    // Only the web front is published: replicas of the backend must not fight over a host port.
    expect(backend.ports ?? []).toEqual([]);
    // Every setting passed through is one the project documents.
    const documented = readFileSync(join(repoRoot, '.env.example'), 'utf8');
    for (const key of Object.keys(backend.environment ?? {}))
      because(`.env.example lists ${key}`, () => expect(documented).toMatch(new RegExp(`^${key}=`, 'm')));
  });

  it('publishes nginx (web) on WEB_PORT, after the backend is healthy, as nginx.conf expects', () => {
    const web = config.services['web']!;
    expect(web.build?.dockerfile).toBe('frontend/Dockerfile');
    expect(web.depends_on?.['backend']?.condition).toBe('service_healthy');
    expect(web.ports).toEqual([{ published: 8080, target: 8080 }]);
    const nginx = readFileSync(join(repoRoot, 'nginx.conf'), 'utf8');
    expect(nginx).toMatch(/^\s*listen 8080;/m);
    // nginx proxies to the `backend` service on the port compose gives it, re-resolved through Docker's DNS
    // (so `--scale backend=N` needs no restart of web).
    expect(nginx).toMatch(/^\s*set \$storyflow_backend http:\/\/backend:3000;/m);
    expect(nginx).toMatch(/^\s*resolver 127\.0\.0\.11 valid=\d+s/m);
    expect(nginx).not.toMatch(/^\s*upstream /m);
    expect(config.services['backend']!.environment?.['PORT']).toBe('3000');
  });
});

describe('Dockerfiles', () => {
  const dockerfile = (path: string) => readFileSync(join(repoRoot, path), 'utf8').replace(/\\\n/g, ' ');
  const ignored = readFileSync(join(repoRoot, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#') && !l.startsWith('!'));

  for (const path of ['backend/Dockerfile', 'frontend/Dockerfile']) {
    it(`${path}: copies only files that exist and are in the build context, and runs as non-root`, () => {
      const text = dockerfile(path);
      const copies = [...text.matchAll(/^COPY\s+(?!--from)(.+)$/gm)].map((m) => m[1]!.trim().split(/\s+/).slice(0, -1));
      expect(copies.length).toBeGreaterThan(0);
      for (const source of copies.flat().filter((s) => !s.startsWith('--'))) {
        because(`${path}: COPY ${source}`, () => expect(existsSync(join(repoRoot, source))).toBe(true));
        const excluded = ignored.some((pattern) => {
          const bare = pattern.replace(/^\*\*\//, '');
          return source === bare || source.startsWith(`${bare}/`) || source.split('/').includes(bare);
        });
        because(`${path}: COPY ${source} is excluded by .dockerignore`, () => expect(excluded).toBe(false));
      }
      const users = [...text.matchAll(/^USER\s+(\S+)/gm)].map((m) => m[1]);
      because(`${path}: the last USER`, () => expect(users.at(-1)).not.toMatch(/^(root|0)$/));
      expect(text).toMatch(/^HEALTHCHECK /m);
      expect(text).toMatch(/^EXPOSE /m);
    });
  }

  it('backend/Dockerfile starts the server as `npm start -w backend` does, in production', () => {
    const text = dockerfile('backend/Dockerfile');
    const start = (JSON.parse(readFileSync(join(repoRoot, 'backend/package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts[
      'start'
    ];
    const cmd = /^CMD\s+(\[.*\])$/m.exec(text);
    expect((JSON.parse(cmd![1]!) as string[]).join(' ')).toBe(start);
    expect(text).toMatch(/NODE_ENV=production/);
    expect(text).toMatch(/^EXPOSE 3000$/m);
    expect(text).toMatch(/npm ci --omit=dev/);
  });

  it('backend/Dockerfile compiles contracts and backend in a build stage; the image holds only their dist/ and no tsx', () => {
    const stages = dockerfile('backend/Dockerfile')
      .split(/^FROM /m)
      .slice(1)
      .map((stage) => ({ name: /^\S+\s+AS\s+(\S+)/i.exec(stage)?.[1], text: stage }));
    const build = stages.find((s) => s.name === 'build');
    because('a stage named build', () => expect(build).toBeDefined());
    expect(build!.text).toMatch(/^RUN npm run build -w contracts && npm run build -w backend$/m);
    const runtime = stages.at(-1)!.text;
    const copies = [...runtime.matchAll(/^COPY\s+(.+)$/gm)].map((m) => m[1]!);
    expect(copies).toEqual(
      expect.arrayContaining(['--from=build /app/contracts/dist contracts/dist', '--from=build /app/backend/dist backend/dist']),
    );
    // Sources and build files stay in the build stage: the runtime copies manifests, dist/ and production dependencies.
    for (const copy of copies)
      because(`runtime COPY ${copy}`, () =>
        expect(copy).toMatch(/^(--from=build \/app\/\w+\/dist \w+\/dist|--from=deps \S+ \S+|\S*package\.json \S+)$/),
      );
    expect(runtime).not.toMatch(/tsx/);
    const cmd = JSON.parse(/^CMD\s+(\[.*\])$/m.exec(runtime)![1]!) as string[];
    expect(cmd).toEqual(['node', '--conditions=production', '--single-threaded-gc', 'dist/main.js']);
    // The `production` condition is what sends the workspace packages to their compiled entry points.
    const exportsOf = (pkg: string) =>
      (JSON.parse(readFileSync(join(repoRoot, pkg, 'package.json'), 'utf8')) as { exports: object }).exports;
    expect(exportsOf('backend')).toMatchObject({ './main': { production: './dist/main.js', default: './src/main.ts' } });
    expect(exportsOf('contracts')).toMatchObject({ '.': { production: { default: './dist/index.js' }, default: './src/index.ts' } });
  });

  it('frontend/Dockerfile serves the dashboard build with the project nginx.conf', () => {
    const text = dockerfile('frontend/Dockerfile');
    expect(text).toMatch(/npm run build -w frontend/);
    expect(text).toMatch(/^COPY nginx\.conf \/etc\/nginx\/nginx\.conf$/m);
    expect(text).toMatch(/^COPY --from=build \/app\/frontend\/dist\/browser \/usr\/share\/nginx\/html$/m);
    expect(text).toMatch(/^EXPOSE 8080$/m);
  });
});
