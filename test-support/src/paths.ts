import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository checkout (test-support/src/ → ../..). */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** The built dashboard (`npm run build`); SPA_DIR overrides it. */
export const dashboardDir = resolve(process.env.SPA_DIR ?? resolve(repoRoot, 'frontend/dist/browser'));

/** The nginx.conf of the web container. */
export const nginxConfPath = resolve(repoRoot, 'nginx.conf');
