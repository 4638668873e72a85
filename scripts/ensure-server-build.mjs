// The server runs compiled (`node --conditions=production backend/dist/main.js`): build contracts and
// backend with `npm run build:server` when their dist/ is missing or older than the sources. `npm start`
// runs this, and so does test-support's startBackend before each child-process server, so a test never
// runs a stale build. A lock directory keeps concurrent callers (e.g. parallel e2e workers) from building
// at the same time: the others wait, then find the build fresh.
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const sources = [
  'tsconfig.base.json',
  'contracts/src',
  'contracts/package.json',
  'contracts/tsconfig.build.json',
  'backend/src',
  'backend/package.json',
  'backend/tsconfig.build.json',
].map((path) => join(root, path));
const outputs = ['contracts/dist/index.js', 'backend/dist/main.js'].map((path) => join(root, path));
const lock = join(root, 'node_modules/.cache/storyflow-server-build.lock');
const STALE_LOCK_MS = 5 * 60_000;

const newest = (path) => {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((entry) => newest(join(path, entry))));
};
const fresh = () => Math.min(...outputs.map((path) => (existsSync(path) ? statSync(path).mtimeMs : 0))) > Math.max(...sources.map(newest));

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function acquire() {
  mkdirSync(dirname(lock), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      return;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      // A builder that died leaves its lock behind: take it over once it is clearly abandoned.
      const age = Date.now() - (existsSync(lock) ? statSync(lock).mtimeMs : Date.now());
      if (age > STALE_LOCK_MS) rmSync(lock, { recursive: true, force: true });
      else await sleep(250);
    }
  }
}

if (!fresh()) {
  await acquire();
  try {
    if (!fresh()) {
      process.stderr.write('Compiling the server (contracts, backend → dist/)…\n');
      execSync('npm run --silent build:server', { cwd: root, stdio: ['ignore', process.stderr, 'inherit'] });
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
