/**
 * Browser end-to-end test: the real backend (on a free port, with a fresh in-memory jongodb) serving
 * the built SPA from frontend/dist/browser, driven by Debian's chromium through playwright-core.
 * Builds nothing: run `npm run build -w frontend` first. Prints `e2e: N passed, M failed` last.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { freePort } from '../../backend/src/shared/free-port';
import { startJongodb } from '../../backend/test/support/jongodb';
import { CHROMIUM, CHROMIUM_ARGS } from './chromium';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../..');
const distDir = resolve(here, '../dist/browser');
const screenshotDir = join(here, 'screenshots');
const OVERALL_TIMEOUT_MS = 150_000;

type Step = {
  name: string;
  run: (page: Page) => Promise<void>;
  /** Browser console errors this step provokes on purpose (e.g. refused connections while the server is down). */
  allowErrors?: RegExp;
};

interface Env {
  backend: Backend;
  restartBackend: () => Promise<void>;
}

const cleanups: (() => Promise<void> | void)[] = [];
let cleaning: Promise<void> | null = null;
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch (error) {
        console.error('cleanup:', error);
      }
    }
  })();
  return cleaning;
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => void cleanup().then(() => process.exit(130)));
}

function log(message: string): void {
  console.log(`[e2e ${new Date().toISOString().slice(11, 23)}] ${message}`);
}

async function waitUntil<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs: number, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
}

function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

interface Backend {
  url: string;
  port: number;
  output: () => string;
  stop: () => Promise<void>;
}

async function startBackend(mongoUri: string, port?: number): Promise<Backend> {
  const listenPort = port ?? (await freePort());
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'backend/src/main.ts'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      PORT: String(listenPort),
      MONGODB_URI: mongoUri,
      LOG_LEVEL: 'warn',
      STATIC_DIR: distDir,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, so a stop reaches anything it spawns
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sig);
    } catch {
      child.kill(sig);
    }
  };
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    signal('SIGTERM');
    const timer = setTimeout(() => signal('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  cleanups.push(stop);
  const url = `http://127.0.0.1:${listenPort}`;
  await waitUntil(
    'backend /api/health',
    async () => {
      if (child.exitCode !== null) throw new Error(`backend exited with ${child.exitCode}:\n${output}`);
      const res = await fetch(`${url}/api/health`).catch(() => null);
      return res?.ok === true;
    },
    45_000,
    200,
  );
  return { url, port: listenPort, output: () => output, stop };
}

// ---------------------------------------------------------------- the scenarios

const title = `e2e story ${Date.now().toString(36)}`;

function figure(page: Page, id: string): Promise<number> {
  return page
    .getByTestId(id)
    .textContent()
    .then((t) => Number((t ?? '').replace(/[^\d.-]/g, '') || Number.NaN));
}

async function chartSums(page: Page): Promise<{ text: string; produced: number; completed: number }> {
  const text = (await page.getByTestId('chart-summary').textContent()) ?? '';
  const m = /: (\d+) produced, (\d+) completed/.exec(text);
  return { text, produced: Number(m?.[1] ?? 0), completed: Number(m?.[2] ?? 0) };
}

async function screenshot(page: Page, name: string, width: number): Promise<void> {
  await page.setViewportSize({ width, height: width > 800 ? 900 : 844 });
  await page.waitForTimeout(400);
  // Wide: the whole page. Narrow: the first screen as a phone shows it (the full page is very long).
  await page.screenshot({ path: join(screenshotDir, `${name}-${width}.png`), fullPage: width > 800 });
}

/** A phone-width page must not scroll sideways: nothing wider than the viewport. */
async function assertNoHorizontalOverflow(page: Page, where: string): Promise<void> {
  const { scrollWidth, innerWidth, widest } = await page.evaluate(() => {
    const viewport = window.innerWidth;
    // For the failure message: the element reaching furthest past the right edge.
    let widest = '';
    let widestRight = viewport;
    for (const el of Array.from(document.querySelectorAll('body *'))) {
      const right = el.getBoundingClientRect().right;
      if (right > widestRight) {
        widestRight = right;
        const id = el.getAttribute('data-testid') ?? el.id;
        widest = `${el.tagName.toLowerCase()}${id ? `#${id}` : ''}.${Array.from(el.classList).join('.')} (right edge ${Math.round(right)} px)`;
      }
    }
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth: viewport, widest };
  });
  assert(
    scrollWidth <= innerWidth,
    `${where} overflows horizontally: scrollWidth ${scrollWidth} > innerWidth ${innerWidth}${widest ? `; rightmost element: ${widest}` : ''}`,
  );
}

function steps(env: Env): Step[] {
  const baseUrl = env.backend.url;
  return [
    {
      name: 'stats screen connects and shows the chart',
      run: async (page) => {
        await page.goto(`${baseUrl}/`);
        await page.waitForURL(/\/stats$/);
        await page.locator('[data-testid="connection"][data-state="live"]').waitFor({ timeout: 10_000 });
        assert((await page.locator('canvas[data-testid="stats-chart"]').count()) === 1, 'chart canvas missing');
        const box = await page.locator('canvas[data-testid="stats-chart"]').boundingBox();
        assert(box && box.width > 200 && box.height > 100, `chart canvas too small: ${JSON.stringify(box)}`);
        const summary = await waitUntil(
          'chart labels from the snapshot',
          async () => {
            const { text } = await chartSums(page);
            return text.startsWith('From ') ? text : undefined;
          },
          5_000,
        );
        const [from, to] = [...summary.matchAll(/(\d\d):(\d\d):(\d\d)/g)].map(
          (m) => Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]),
        );
        assert(
          from !== undefined && to !== undefined && (to - from + 86_400) % 86_400 === 19,
          `chart does not span 20 seconds: ${summary}`,
        );
        const footer = (await page.getByTestId('db-mode').textContent()) ?? '';
        assert(footer.length > 0 && !footer.includes('unknown'), `footer shows no db mode: "${footer}"`);
      },
    },
    {
      name: 'generator drives the figures and the chart',
      run: async (page) => {
        const before = await chartSums(page);
        const completedBefore = await figure(page, 'figure-completed');
        await page.getByTestId('generator-toggle').click();
        await waitUntil('stories sent', async () => (await figure(page, 'generator-sent')) > 5, 5_000);
        await waitUntil('produced/s above zero', async () => (await figure(page, 'figure-produced')) > 0, 6_000);
        await waitUntil('completed/s above zero', async () => (await figure(page, 'figure-completed-per-sec')) > 0, 8_000);
        await waitUntil('completed total grows', async () => (await figure(page, 'figure-completed')) > completedBefore, 8_000);
        const after = await waitUntil(
          'chart bars change',
          async () => {
            const now = await chartSums(page);
            return now.text !== before.text && now.produced > before.produced && now.completed > 0 ? now : undefined;
          },
          6_000,
        );
        log(`chart: ${after.text}`);
        assert((await figure(page, 'pool-size')) > 0, 'pool size not shown');
        assert((await figure(page, 'generator-failed')) === 0, 'generator requests failed');
        await page.waitForTimeout(4_000); // a few more seconds of bars for the screenshots
        await screenshot(page, 'stats', 1280);
        await screenshot(page, 'stats', 390);
        await assertNoHorizontalOverflow(page, '/stats at 390 px');
        await page.setViewportSize({ width: 1280, height: 900 });
        await page.getByTestId('generator-toggle').click();
        await waitUntil('generator idle', async () => (await figure(page, 'generator-in-flight')) === 0, 5_000);
      },
    },
    {
      name: 'invalid form shows the error next to the field',
      run: async (page) => {
        await page.getByRole('link', { name: 'Stories' }).click();
        await page.waitForURL(/\/stories$/);
        await page.reload(); // a deep link: the server answers /stories with the SPA
        await page.getByRole('heading', { name: 'New story' }).waitFor();
        await page.getByLabel('Number of tasks').fill('0');
        await page.getByLabel('Estimate min (ms)').fill('50');
        await page.getByLabel('Estimate max (ms)').fill('10');
        await page.getByLabel('Number of tasks').press('Enter'); // keyboard submit
        const error = page.getByTestId('error-taskCount');
        await error.waitFor({ timeout: 3_000 });
        assert((await error.textContent())?.includes('must be at least 1'), `unexpected error text: ${await error.textContent()}`);
        assert((await page.getByLabel('Number of tasks').getAttribute('aria-invalid')) === 'true', 'field not marked invalid');
        await page.getByLabel('Number of tasks').focus();
        await page.keyboard.press('Tab'); // focus ring on the next field
        await page.screenshot({ path: join(screenshotDir, 'stories-invalid-1280.png') });
        await page.getByLabel('Number of tasks').fill('5');
        await page.getByTestId('create-story').click();
        await page.getByTestId('error-estimateMax').waitFor({ timeout: 3_000 });
        await page.getByLabel('List of estimates').check();
        await page.getByLabel(/Task estimates/).fill('10, abc');
        await page.getByTestId('create-story').click();
        const tasksError = (await page.getByTestId('error-tasks').textContent()) ?? '';
        assert(tasksError.includes('Task 2'), `list error does not name the task: ${tasksError}`);
      },
    },
    {
      name: 'a created story turns Done',
      run: async (page) => {
        await page.locator('#story-title').fill(title);
        await page.getByLabel(/Task estimates/).fill('30, 20, 40, 25, 35');
        const estimate = (await page.getByTestId('estimate').textContent()) ?? '';
        assert(estimate.includes('150 ms') && estimate.includes('40 ms'), `estimate not shown: ${estimate}`);
        await page.getByTestId('create-story').click();
        await page.getByTestId('created').waitFor({ timeout: 5_000 });
        const row = page.locator('[data-testid="story-row"]', { hasText: title });
        await row.waitFor({ timeout: 5_000 });
        await waitUntil('story Done', async () => (await row.getByTestId('story-status').textContent())?.trim() === 'Done', 20_000, 250);
        assert((await row.getByTestId('story-progress').textContent())?.trim() === '5/5', 'progress not 5/5');
        const processing = (await row.getByTestId('story-processing').textContent())?.trim() ?? '';
        assert(/\d/.test(processing), `processing time missing: "${processing}"`);
        await screenshot(page, 'stories', 1280);
        await screenshot(page, 'stories', 390);
        await assertNoHorizontalOverflow(page, '/stories at 390 px');
        await page.getByTestId('story-row').first().scrollIntoViewIfNeeded();
        await page.screenshot({ path: join(screenshotDir, 'stories-390-list.png') });
        await page.setViewportSize({ width: 1280, height: 900 });
      },
    },
    {
      name: 'deleting the story removes it',
      run: async (page) => {
        const row = page.locator('[data-testid="story-row"]', { hasText: title });
        await row.getByTestId('delete-story').click();
        await row.waitFor({ state: 'detached', timeout: 5_000 });
        // Still gone after the next poll.
        await page.waitForTimeout(2_000);
        assert((await row.count()) === 0, 'deleted story came back');
      },
    },
    {
      name: 'delete all Done asks in a dialog first',
      run: async (page) => {
        await page.getByTestId('filter-Done').click();
        await waitUntil(
          'Done filter applied',
          async () => (await page.getByTestId('filter-Done').getAttribute('aria-pressed')) === 'true',
          2_000,
        );
        await page.getByTestId('delete-done').click();
        const dialog = page.getByTestId('confirm-dialog');
        await dialog.waitFor({ state: 'visible', timeout: 2_000 });
        await page.getByTestId('confirm-cancel').click();
        await dialog.waitFor({ state: 'hidden', timeout: 2_000 });
        await page.getByTestId('delete-done').click();
        await dialog.waitFor({ state: 'visible', timeout: 2_000 });
        await page.getByTestId('confirm-delete').click();
        await page
          .getByTestId('notice')
          .filter({ hasText: /Deleted \d+ Done/ })
          .waitFor({ timeout: 5_000 });
        await waitUntil('no Done stories listed', async () => (await page.getByTestId('story-row').count()) === 0, 5_000);
      },
    },
    {
      name: 'stats reconnect and resync after a server restart',
      allowErrors: /ERR_CONNECTION_REFUSED|WebSocket connection to .* failed|socket\.io|Failed to load resource/,
      run: async (page) => {
        await page.getByRole('link', { name: 'Stats' }).click();
        const connection = page.getByTestId('connection');
        await page.locator('[data-testid="connection"][data-state="live"]').waitFor({ timeout: 5_000 });
        const completedBefore = await figure(page, 'figure-completed');
        await env.backend.stop();
        await waitUntil('indicator leaves live', async () => (await connection.getAttribute('data-state')) !== 'live', 5_000);
        log(`while down: ${(await connection.textContent())?.trim()}`);
        // The chart and the last figures stay on screen while disconnected.
        assert((await page.locator('canvas[data-testid="stats-chart"]').count()) === 1, 'chart vanished while offline');
        await env.restartBackend();
        await page.locator('[data-testid="connection"][data-state="live"]').waitFor({ timeout: 10_000 });
        // Resynced from the new server's snapshot: the totals survive the restart (same database).
        await waitUntil('figures resynced', async () => (await figure(page, 'figure-completed')) >= completedBefore, 5_000);
        const after = await chartSums(page);
        assert(after.text.startsWith('From '), `chart not refilled after reconnect: ${after.text}`);
      },
    },
  ];
}

// ---------------------------------------------------------------- runner

async function main(): Promise<number> {
  if (!existsSync(join(distDir, 'index.html'))) {
    console.error(`e2e: ${distDir}/index.html is missing; run "npm run build -w frontend" first`);
    return 1;
  }
  if (!existsSync(CHROMIUM)) {
    console.error(`e2e: ${CHROMIUM} is missing; install the "chromium" package (the test never downloads a browser)`);
    return 1;
  }
  rmSync(screenshotDir, { recursive: true, force: true });
  mkdirSync(screenshotDir, { recursive: true });

  log('starting database');
  const db = await startJongodb();
  cleanups.push(() => db.stop());
  log('starting backend');
  const env: Env = {
    backend: await startBackend(db.uri),
    restartBackend: async () => {
      env.backend = await startBackend(db.uri, env.backend.port);
    },
  };
  log(`backend at ${env.backend.url}`);

  const profile = mkdtempSync(join(tmpdir(), 'storyflow-e2e-'));
  cleanups.push(() => rmSync(profile, { recursive: true, force: true }));
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
  });
  cleanups.push(() => context.close());
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(10_000);

  const browserErrors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') browserErrors.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (error) => browserErrors.push(`pageerror: ${error.message}`));

  let passed = 0;
  let failed = 0;
  for (const step of steps(env)) {
    const started = Date.now();
    const errorsBefore = browserErrors.length;
    try {
      await step.run(page);
      const newErrors = browserErrors.slice(errorsBefore).filter((e) => !step.allowErrors?.test(e));
      if (newErrors.length > 0) throw new Error(`browser errors:\n  ${newErrors.join('\n  ')}`);
      passed++;
      log(`ok   ${step.name} (${Date.now() - started} ms)`);
    } catch (error) {
      failed++;
      log(`FAIL ${step.name} (${Date.now() - started} ms)\n  ${error instanceof Error ? error.message : String(error)}`);
      await page.screenshot({ path: join(screenshotDir, `failure-${passed + failed}.png`), fullPage: true }).catch(() => undefined);
    }
  }
  if (failed > 0) {
    const tail = env.backend.output().trim().split('\n').slice(-20).join('\n');
    if (tail) console.log(`backend output (last lines):\n${tail}`);
  }
  console.log(`e2e: ${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

const watchdog = setTimeout(() => {
  console.error(`e2e: overall timeout of ${OVERALL_TIMEOUT_MS} ms`);
  console.log('e2e: 0 passed, 1 failed');
  void cleanup().then(() => process.exit(1));
}, OVERALL_TIMEOUT_MS);

main()
  .catch((error: unknown) => {
    console.error('e2e:', error);
    console.log('e2e: 0 passed, 1 failed');
    return 1;
  })
  .then(async (code) => {
    clearTimeout(watchdog);
    await cleanup();
    process.exit(code);
  });
