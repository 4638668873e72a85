import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from '@storyflow/test-support';

/**
 * Browser end-to-end tests: the built dashboard served by the real backend (a child process on a free port,
 * a database of its own per test) in Debian's Chromium (never a downloaded browser). Needs `npm run build` first.
 */
export default defineConfig({
  testDir: './e2e',
  outputDir: './e2e/test-results',
  globalSetup: './e2e/global-setup.ts',
  // Two workers, each with a database server and a shared backend of its own (see fixtures.ts); a test that
  // stops or pauses its backend starts its own. Files are spread over the workers, a file's tests run in order.
  workers: 2,
  fullyParallel: false,
  // A flaky test should fail the run, not be hidden by a retry.
  retries: 0,
  forbidOnly: !!process.env['CI'],
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['html', { open: 'never', outputFolder: './e2e/report' }], ['./e2e/summary-reporter.ts']],
  projects: [
    { name: 'screens', testIgnore: /screen-time\.spec\.ts$/ },
    // Timed on a throttled phone: alone, once the rest is done, so no other worker's servers share the machine's cores (a
    // clean run beside the cluster tests took 3.4 s for what takes 2.0–2.4 s alone).
    { name: 'screen-time', testMatch: /screen-time\.spec\.ts$/, dependencies: ['screens'] },
  ],
  use: {
    browserName: 'chromium',
    launchOptions: chromiumLaunchOptions(),
    viewport: { width: 1280, height: 900 },
    trace: { mode: 'retain-on-failure', screenshots: false, snapshots: true, sources: true },
    screenshot: 'only-on-failure',
  },
});
