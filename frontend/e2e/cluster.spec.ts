import type { Locator, Page } from '@playwright/test';
import {
  dashboardDir,
  freePort,
  startBackend,
  startRedis,
  uniqueDbName,
  type BackendProcess,
  type RedisProcess,
} from '@storyflow/test-support';
import { expect, expectNoHorizontalOverflow, figure, generator, liveIndicator, poll, screenshot, test as base } from './fixtures';

/** Instance ids as Kubernetes names its pods: long enough to test a phone's width. */
const ALPHA = 'storyflow-backend-6f9c7d8b54-2xkqv';
const BETA = 'storyflow-backend-6f9c7d8b54-9wz4m';

interface Cluster {
  /** The instance the page talks to (127.0.0.2). */
  alpha: BackendProcess;
  /** The other one (127.0.0.3, same port). */
  beta: BackendProcess;
  /** Their Redis. */
  redis: RedisProcess;
}

/**
 * Two backend instances in cluster mode, as `docker compose up --scale backend=2` runs them: one Redis,
 * one database, each instance on a loopback address of its own at one port. The page talks to alpha
 * directly (no nginx), so /api/info and the socket reach the same instance.
 */
const test = base.extend<{ cluster: Cluster }>({
  cluster: async ({ database }, use, testInfo) => {
    const redis: RedisProcess = await startRedis();
    const started: BackendProcess[] = [];
    try {
      const env = {
        MONGODB_URI: database.uri,
        MONGODB_DB: uniqueDbName('e2e_cluster'),
        REDIS_URL: redis.url,
        STATIC_DIR: dashboardDir,
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        // A dead instance stays listed (stale) this long before the cluster drops it (gone).
        LEASE_MS: '10000',
      };
      const port = await freePort();
      // One after the other: two cores.
      for (const [id, host] of [
        [ALPHA, '127.0.0.2'],
        [BETA, '127.0.0.3'],
      ] as const)
        started.push(await startBackend({ env: { ...env, INSTANCE_ID: id }, host, port, startTimeoutMs: 45_000 }));
      await use({ alpha: started[0], beta: started[1], redis });
    } finally {
      for (const p of started.reverse()) {
        p.signal('SIGCONT');
        await p.stop();
        if (testInfo.status !== testInfo.expectedStatus) await testInfo.attach(`backend output (${p.url})`, { body: p.output() });
      }
      redis.signal('SIGCONT');
      await redis.stop();
    }
  },
  // Relative paths go to alpha; no other backend is started.
  baseURL: async ({ cluster }, use) => use(cluster.alpha.url),
});

/** The breakdown on a wide screen: a table named by its caption ("Instances 2 up"). */
const instancesTable = (page: Page): Locator => page.getByRole('table', { name: /^Instances/ });

/** The row of an instance, by the id in its row header. */
const instanceRow = (table: Locator, id: string): Locator =>
  table.getByRole('row').filter({ has: table.page().getByRole('rowheader', { name: new RegExp(`^${id}\\b`) }) });

/** A row's cells, as text: [rowheader, pool, busy, backlog, last heartbeat]. */
async function cells(row: Locator): Promise<string[]> {
  return (await row.getByRole('rowheader').or(row.getByRole('cell')).allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
}

/** The pool figure and each instance's pool (table order), read at once: the pool grows and shrinks with the load. */
async function poolsNow(page: Page): Promise<{ total: number; instances: number[] }> {
  return page.evaluate(() => {
    const num = (el: Element | null | undefined) => Number((el?.textContent ?? '').replace(/[^\d]/g, '') || NaN);
    return {
      total: num(document.querySelector('[data-testid="pool-size"]')),
      instances: Array.from(document.querySelectorAll('[data-testid="instances"] tbody tr')).map((tr) => num(tr.querySelector('td'))),
    };
  });
}

/**
 * The breakdown reserves the height of the most rows it has shown (so rows that go never shorten the
 * page): that reserve must be its actual height, neither less (the page would shrink) nor more (blank).
 */
async function expectReserveFits(page: Page): Promise<void> {
  const { reserved, content } = await page.evaluate(() => {
    const host = document.querySelector<HTMLElement>('sf-instance-breakdown')!;
    const shown = Array.from(host.children).filter((c) => c.getBoundingClientRect().height > 0);
    return {
      reserved: parseFloat(getComputedStyle(host).minHeight),
      content: shown.reduce((h, c) => h + c.getBoundingClientRect().height, 0),
    };
  });
  expect(content, `content ${content} px, reserved ${reserved} px`).toBeLessThanOrEqual(reserved + 1);
  expect(reserved - content, `content ${content} px, reserved ${reserved} px`).toBeLessThanOrEqual(2);
}

test.describe('cluster mode', () => {
  // The page's own instance stops at the end: its refused reconnections are expected.
  test.use({ allowedBrowserErrors: /ERR_CONNECTION_REFUSED|WebSocket connection to .* failed|socket\.io|Failed to load resource/ });

  test('the stats screen breaks the pool down by instance; a stalled one is marked stale, a stopped one gone', async ({
    page,
    cluster,
  }, testInfo) => {
    await page.goto('/stats');
    await expect(liveIndicator(page)).toBeVisible();
    const table = instancesTable(page);
    await expect(table).toBeVisible();
    await expect(table).toHaveAccessibleName('Instances 2 up');
    await expect(table.getByRole('rowheader')).toHaveText([new RegExp(`^${ALPHA}\\s+connected$`), new RegExp(`^${BETA}$`)]);
    await expect(table.getByRole('columnheader')).toHaveText(['Instance', 'Pool', 'Busy', 'Backlog', 'Last heartbeat']);
    for (const id of [ALPHA, BETA]) await expect(instanceRow(table, id).getByRole('cell').last()).toHaveText('now');

    // The pool figure is the cluster's: the instances' pools summed (gauges of the same second).
    // Some load, so the screenshots show figures (on alpha, which takes the generator's stories).
    await generator(page).getByRole('button', { name: 'Start generator' }).click();
    await poll(() => figure(page, 'figure-produced'), 'produced/s').toBeGreaterThan(0);

    // The pool figure is the cluster's: the instances' pools summed (gauges of the same second).
    const pools = await poolsNow(page);
    expect(pools.instances.every((n) => n > 0)).toBe(true);
    expect(pools.total).toBe(pools.instances[0] + pools.instances[1]);
    await expectNoHorizontalOverflow(page);
    await expectReserveFits(page);
    await screenshot(page, testInfo, 'cluster-stats-1280-light', true);
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, testInfo, 'cluster-stats-1280-dark', true);

    // A phone: a card per instance instead of the table, nothing wider than the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    await expect(table).toBeHidden();
    const cards = page.getByRole('list', { name: /^Instances/ }).getByRole('listitem');
    await expect(cards).toHaveCount(2);
    await expect(cards.first()).toContainText(ALPHA);
    await expect(cards.first()).toContainText('connected');
    await expect(cards.last()).toContainText(BETA);
    await expectNoHorizontalOverflow(page);
    await expectReserveFits(page);
    await screenshot(page, testInfo, 'cluster-stats-390-dark', true);
    await page.emulateMedia({ colorScheme: 'light' });
    await screenshot(page, testInfo, 'cluster-stats-390-light', true);
    await page.setViewportSize({ width: 1280, height: 900 });
    await generator(page).getByRole('button', { name: 'Stop generator' }).click();
    await poll(() => figure(page, 'generator-in-flight'), 'generator idle').toBe(0);

    // Beta stalls (a frozen process): still listed, marked stale, its age counting; back to normal when it resumes.
    const beta = instanceRow(table, BETA);
    const betaBox = await beta.boundingBox();
    cluster.beta.signal('SIGSTOP');
    await expect(beta.getByRole('rowheader')).toHaveText(new RegExp(`^${BETA}\\s+stale$`), { timeout: 15_000 });
    await expect(beta.getByRole('cell').last()).toHaveText(/^\d+ s ago$/);
    await expect(table).toHaveAccessibleName('Instances 1 up, 1 stale (not in the totals)');
    // The row stays where it was.
    expect(await beta.boundingBox()).toEqual(betaBox);
    await screenshot(page, testInfo, 'cluster-stale-1280-light', true);
    cluster.beta.signal('SIGCONT');
    await expect(beta.getByRole('rowheader')).toHaveText(new RegExp(`^${BETA}$`), { timeout: 15_000 });
    await expect(beta.getByRole('cell').last()).toHaveText('now');

    // Beta stops: stale, then dropped by the cluster; the screen keeps it, as gone, without figures.
    await cluster.beta.stop();
    await expect(beta.getByRole('rowheader')).toHaveText(new RegExp(`^${BETA}\\s+gone$`), { timeout: 20_000 });
    expect(await cells(beta)).toEqual([`${BETA} gone`, '–', '–', '–', expect.stringMatching(/^\d+ s ago$/)]);
    await expect(table).toHaveAccessibleName('Instances 1 up, 1 gone');
    await expect(table.getByRole('row')).toHaveCount(3);
    const alone = await poolsNow(page);
    expect(alone.instances).toEqual([alone.total, NaN]);
    await screenshot(page, testInfo, 'cluster-gone-1280-light', true);

    // The page's own instance stops: the breakdown greys out with the rest, not presented as live.
    await cluster.alpha.stop();
    await expect(page.locator('section.pool')).toHaveClass(/stale/);
    await expect(page.getByTestId('stale-note')).toContainText('The figures below are the last known');
    await expect(table).toBeVisible();
    await expect(instanceRow(table, ALPHA).getByRole('rowheader')).toHaveText(new RegExp(`^${ALPHA}\\s+was connected$`));
    await screenshot(page, testInfo, 'cluster-outage-1280-light', true);
  });

  test('connected but without figures (Redis frozen: no instance can aggregate the second) is not shown as live, and the footer says why', async ({
    page,
    cluster,
  }, testInfo) => {
    await page.goto('/stats');
    await expect(liveIndicator(page)).toBeVisible();
    await expect(instancesTable(page)).toBeVisible();
    cluster.redis.signal('SIGSTOP');
    const pill = page.getByTestId('connection');
    await expect(pill).toHaveText('no new figures', { timeout: 15_000 });
    await expect(page.getByTestId('stale-note')).toHaveText(
      /^Connected, but no figures from the server since \d\d:\d\d:\d\d\. The figures below are the last known \(\d\d:\d\d:\d\d\)\.$/,
    );
    await expect(page.locator('section.figures')).toHaveClass(/stale/);
    await expect(page.locator('section.pool')).toHaveClass(/stale/);
    // The footer says why, from /api/health (degraded: redis unavailable), and what it means for the operator.
    const problems = page.getByTestId('health-problems');
    await expect(problems).toHaveText(/^Redis unavailable: new stories and pause are refused until it answers/, { timeout: 15_000 });
    for (const [width, scheme] of [
      [1280, 'light'],
      [1280, 'dark'],
      [390, 'light'],
      [390, 'dark'],
    ] as const) {
      await page.setViewportSize({ width, height: width > 800 ? 900 : 844 });
      await page.emulateMedia({ colorScheme: scheme });
      await expectNoHorizontalOverflow(page);
      await screenshot(page, testInfo, `cluster-redis-away-${width}-${scheme}`, true);
    }
    cluster.redis.signal('SIGCONT');
    await expect(liveIndicator(page)).toBeVisible({ timeout: 15_000 });
    await expect(page.getByTestId('stale-note')).toHaveCount(0);
    await expect(page.locator('section.figures')).not.toHaveClass(/stale/);
    await expect(problems).toHaveCount(0, { timeout: 15_000 });
  });
});
