import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { dashboardDir, requireChromium } from '@storyflow/test-support';

/** Fails at once, with the fix, when what every test needs is missing. */
export default function globalSetup(): void {
  if (!existsSync(join(dashboardDir, 'index.html')))
    throw new Error(`${dashboardDir}/index.html is missing: run "npm run build" (or "npm run build -w frontend") first`);
  requireChromium();
}
