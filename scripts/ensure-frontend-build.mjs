// `npm start` serves the dashboard from frontend/dist: build it (and its precompressed copies, see the frontend's
// `build` script) when it is missing or older than its sources.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const index = 'frontend/dist/browser/index.html';
const sources = ['frontend/src', 'contracts/src', 'frontend/angular.json', 'frontend/package.json', 'frontend/scripts'];

const newest = (path) => {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((entry) => newest(join(path, entry))));
};

if (process.env.SKIP_FRONTEND_BUILD === '1') process.exit(0);
const builtAt = existsSync(index) ? statSync(index).mtimeMs : 0;
if (builtAt > Math.max(...sources.map(newest))) {
  // A build from before the build precompressed its files (frontend/scripts/precompress.mjs): add the copies.
  if (!existsSync(`${index}.br`)) execSync('node frontend/scripts/precompress.mjs', { stdio: 'inherit' });
  process.exit(0);
}
process.stdout.write(builtAt ? 'Dashboard sources changed: rebuilding…\n' : 'Building the dashboard (first start only)…\n');
execSync('npm run build -w frontend', { stdio: 'inherit' });
