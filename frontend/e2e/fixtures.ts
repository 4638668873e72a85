import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { test as base, expect, type APIRequestContext, type Locator, type Page, type TestInfo } from '@playwright/test';
import type { StatsSample, StatsSnapshot, StoryDto } from '@storyflow/contracts';
import {
  dashboardDir,
  startBackend,
  startDatabase,
  startNginx,
  uniqueDbName,
  type BackendProcess,
  type NginxProcess,
  type TestDatabase,
} from '@storyflow/test-support';

/** Body of POST /api/stories. */
export type CreateStoryBody = { title?: string; tasks: { estimate: number }[] };

/** The backend under test: a child process with a database of its own; `stop`/`restart` (same address and data) need `ownBackend`. */
export interface Backend {
  readonly url: string;
  output(): string;
  stop(): Promise<void>;
  restart(): Promise<void>;
}

interface TestFixtures {
  /** Start a backend for this test alone (e.g. to stop and restart it) instead of the worker's. */
  ownBackend: boolean;
  /** Settings for a backend of the test's own (e.g. API_TOKEN); needs `ownBackend`. */
  backendEnv: Record<string, string>;
  backend: Backend;
  /** Debian's nginx with the project's nginx.conf in front of `backend`, serving the built dashboard. */
  nginx: NginxProcess;
  /** Browser console errors a test provokes on purpose (e.g. refused connections while the server is down). */
  allowedBrowserErrors: RegExp | null;
  /** Fails a test whose page logged an error or threw, unless allowed. */
  browserErrors: void;
}

interface WorkerFixtures {
  /** One database server per worker. */
  database: TestDatabase;
  /**
   * One backend per worker, shared by the tests that do not stop it: starting one costs more than most tests.
   * Those tests stay independent of each other and of their order: each makes the stories it looks at (unique titles).
   */
  workerBackend: Backend;
}

async function launchBackend(database: TestDatabase, extraEnv: Record<string, string> = {}): Promise<Backend> {
  const env = {
    MONGODB_URI: database.uri,
    MONGODB_DB: uniqueDbName('e2e'),
    STATIC_DIR: dashboardDir,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    ...extraEnv,
  };
  let current: BackendProcess = await startBackend({ env, startTimeoutMs: 45_000 });
  let earlier = '';
  return {
    get url() {
      return current.url;
    },
    output: () => earlier + current.output(),
    stop: async () => {
      await current.stop();
    },
    restart: async () => {
      earlier += `${current.output()}\n--- restart ---\n`;
      current = await startBackend({ env, port: current.port, startTimeoutMs: 45_000 });
    },
  };
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  database: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixtures a function needs from this pattern
    async ({}, use) => {
      const db = await startDatabase();
      await use(db);
      await db.stop();
    },
    { scope: 'worker' },
  ],

  workerBackend: [
    async ({ database }, use) => {
      const backend = await launchBackend(database);
      await use(backend);
      await backend.stop();
    },
    { scope: 'worker' },
  ],

  ownBackend: [false, { option: true }],
  backendEnv: [{}, { option: true }],

  backend: async ({ database, workerBackend, ownBackend, backendEnv }, use, testInfo) => {
    if (!ownBackend && Object.keys(backendEnv).length > 0) throw new Error('backendEnv needs test.use({ ownBackend: true })');
    const backend = ownBackend ? await launchBackend(database, backendEnv) : workerBackend;
    const outputBefore = backend.output().length;
    const refuse = () => Promise.reject(new Error('a shared backend must keep running: test.use({ ownBackend: true })'));
    await use(ownBackend ? backend : { ...backend, url: backend.url, stop: refuse, restart: refuse });
    if (ownBackend) await backend.stop();
    if (testInfo.status !== testInfo.expectedStatus)
      await testInfo.attach('backend output', { body: backend.output().slice(ownBackend ? 0 : outputBefore) });
  },

  // Pages and the `request` fixture address the backend by relative paths.
  baseURL: async ({ backend }, use) => use(backend.url),

  nginx: async ({ backend }, use, testInfo) => {
    const nginx = await startNginx({ backend: new URL(backend.url).host, root: dashboardDir });
    await use(nginx);
    await nginx.stop();
    if (testInfo.status !== testInfo.expectedStatus) await testInfo.attach('nginx output', { body: nginx.output() });
  },

  allowedBrowserErrors: [null, { option: true }],

  browserErrors: [
    async ({ page, allowedBrowserErrors }, use) => {
      const errors: string[] = [];
      page.on('console', (msg) => {
        if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
      });
      page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
      await use();
      expect(
        errors.filter((e) => !allowedBrowserErrors?.test(e)),
        'browser errors',
      ).toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/** Screenshots to look at after a run (git-ignored with the rest of test-results). */
export const SCREENSHOT_DIR = fileURLToPath(new URL('./test-results/screenshots/', import.meta.url));

/** Saves a screenshot of the viewport as test-results/screenshots/<name>.png and attaches it to the report. */
export async function screenshot(page: Page, testInfo: TestInfo, name: string, fullPage = false): Promise<void> {
  const body = await page.screenshot({ path: `${SCREENSHOT_DIR}${name}.png`, fullPage, animations: 'disabled' });
  await testInfo.attach(name, { body, contentType: 'image/png' });
}

/** The looks a screen is judged in: a desktop's and a phone's width, light and dark; `check` runs in each. */
export async function inEveryLook(page: Page, check: (look: { width: number; scheme: 'light' | 'dark' }) => Promise<void>): Promise<void> {
  for (const [width, height] of [
    [1280, 900],
    [390, 844],
  ] as const) {
    await page.setViewportSize({ width, height });
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await check({ width, scheme });
    }
  }
}

/** axe-core's browser bundle, evaluated in the page (through the DevTools protocol: the page's CSP allows no inline script). */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Runs axe on the element `selector` names (the whole page by default) and returns its violations, one line each. */
export async function axeViolations(page: Page, selector = 'body'): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async (within) => {
    const axe = (
      window as unknown as {
        axe: { run(context: Element): Promise<{ violations: { id: string; help: string; nodes: { html: string }[] }[] }> };
      }
    ).axe;
    const { violations } = await axe.run(document.querySelector(within)!);
    return violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.html).join(' | ')})`);
  }, selector);
}

/** A page must not scroll sideways: nothing wider than the viewport (the failure names the widest element). */
export async function expectNoHorizontalOverflow(page: Page): Promise<void> {
  const { scrollWidth, innerWidth, widest } = await page.evaluate(() => {
    const viewport = window.innerWidth;
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
  expect(scrollWidth, `scrollWidth ${scrollWidth} > innerWidth ${innerWidth}; rightmost element: ${widest}`).toBeLessThanOrEqual(
    innerWidth,
  );
}

/** The generator's region in the shell. */
export const generator = (page: Page): Locator => page.getByRole('region', { name: 'Load generator' });

/** The connection indicator (role status) while it says live. */
export const liveIndicator = (page: Page): Locator => page.getByRole('status').filter({ hasText: /^\s*live\s*$/ });

/** The bar chart: an image whose accessible name sums up the bars ("From hh:mm:ss to hh:mm:ss: N produced, M completed[; gaps]"). */
/** The throughput chart, by its accessible summary (the latency chart's beside it says "story latency"). */
export const chart = (page: Page): Locator => page.getByRole('img', { name: /^From \d\d:\d\d:\d\d to \d\d:\d\d:\d\d: \d+ produced/ });

export interface ChartSums {
  text: string;
  from: number;
  to: number;
  produced: number;
  completed: number;
}

/** Reads the chart's accessible summary. */
export async function chartSums(page: Page): Promise<ChartSums> {
  const text = (await chart(page).getAttribute('aria-label')) ?? '';
  const seconds = [...text.matchAll(/(\d\d):(\d\d):(\d\d)/g)].map((m) => Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]));
  const sums = /: (\d+) produced, (\d+) completed/.exec(text);
  return { text, from: seconds[0] ?? NaN, to: seconds[1] ?? NaN, produced: Number(sums?.[1] ?? NaN), completed: Number(sums?.[2] ?? NaN) };
}

/**
 * A figure of the stats screen or the generator panel. They have no accessible name of their own (a label
 * span beside a value span), so they are found by test id.
 */
export async function figure(page: Page, id: string): Promise<number> {
  const text = (await page.getByTestId(id).textContent()) ?? '';
  return Number(text.replace(/[^\d.-]/g, '') || NaN);
}

/** A row of the stories table by its title. */
export const storyRow = (page: Page, title: string): Locator => page.getByRole('row').filter({ hasText: title });

/** A status filter button; its name carries the live count, e.g. "Done (12)". */
export const statusFilter = (page: Page, status: 'All' | 'Open' | 'Done'): Locator =>
  page.getByRole('group', { name: 'Filter by status' }).getByRole('button', { name: new RegExp(`^${status}\\b`) });

/** A notice (they appear in one polite live region and dismiss themselves). */
export const notice = (page: Page, text: string | RegExp): Locator => page.getByTestId('notice').filter({ hasText: text });

/** A title no other test or run uses. */
export const uniqueTitle = (what: string): string => `${what} ${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/** Creates a story through the API (no UI) and returns it. */
export async function createStory(request: APIRequestContext, body: CreateStoryBody, baseUrl = ''): Promise<StoryDto> {
  const res = await request.post(`${baseUrl}/api/stories`, { data: body });
  expect(res.status(), await res.text()).toBe(201);
  return (await res.json()) as StoryDto;
}

/** `expect.poll` that looks often: figures change every second and small stories finish within milliseconds. */
export function poll<T>(value: () => Promise<T>, message: string) {
  return expect.poll(value, { message, intervals: [50, 100, 250] });
}

/** Resolves once the API reports the story Done. */
export async function storyDone(request: APIRequestContext, id: string): Promise<void> {
  await poll(async () => ((await (await request.get(`/api/stories/${id}`)).json()) as StoryDto).status, `story ${id} Done`).toBe('Done');
}

/**
 * The server's figures for the first second that starts at or after `at` (epoch ms), once there is one: read
 * at the end of that second, so at least a second after `at` (what a running pool does in a second, it has done).
 */
export async function sampleFrom(request: APIRequestContext, at: number): Promise<StatsSample> {
  let found: StatsSample | undefined;
  await poll(
    async () => {
      const { history } = (await (await request.get('/api/stats')).json()) as StatsSnapshot;
      found = history.find((s) => s.t >= at);
      return !!found;
    },
    `a sample from ${new Date(at).toISOString()} on`,
  ).toBe(true);
  return found!;
}
