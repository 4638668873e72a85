import { timeScreenMedian, type ScreenName, type ScreenTime } from '@storyflow/test-support';
import { createStory, expect, test, uniqueTitle } from './fixtures';

/**
 * Each screen is live within 2.5 s on a phone (issue #24): from navigation to the stats screen's live figures and
 * chart, and to the stories screen's first rows, on Lighthouse's mobile profile (150 ms round trip, 1.6 Mbps down,
 * 750 kbps up, CPU 4× slower, cold cache: test-support's screen-time.ts, the code the bench's `screens` scenario
 * runs), served as `npm start` serves it. The median of 3 loads.
 *
 * The bound has margin over the 2.5 s goal: measured on the 2-core build machine 2.0–2.4 s (median of 3). These tests
 * run alone, after the others (playwright.config.ts): beside the cluster tests a clean run took 3.4 s. The CPU throttling
 * is relative, so a slower machine is slower still.
 * What the bound could miss, the bytes catch, whatever the machine: served uncompressed, the screens fetch 450–680 KB
 * before they are live; code loaded early that could wait (another screen, zod) shows too.
 */
const LIVE_WITHIN_MS = 3000;
const BUDGET_KB: Record<ScreenName, number> = { stats: 230, stories: 170 };

const describe = (time: ScreenTime) =>
  time.runs
    .map(
      (run) =>
        `${run.ms} ms, ${Math.round(run.bytes / 1000)} KB: ${run.responses.map((r) => `${r.endMs} ${r.path} ${r.bytes}`).join(', ')}`,
    )
    .join('\n');

test.describe('screens live on a phone', () => {
  // Three cold loads of ~2 s each on a throttled browser, per screen.
  test.slow();

  for (const screen of ['stats', 'stories'] as const) {
    test(`/${screen}: live within ${LIVE_WITHIN_MS} ms, at most ${BUDGET_KB[screen]} KB before`, async ({
      browser,
      baseURL,
      request,
    }, testInfo) => {
      // The stories screen shows rows: a few stories first (again before each load, retention may purge Done ones).
      const before =
        screen === 'stories'
          ? async () => void (await createStory(request, { title: uniqueTitle('live'), tasks: [{ estimate: 10 }] }))
          : undefined;
      const time = await timeScreenMedian(browser, baseURL!, screen, { runs: 3, ...(before ? { before } : {}) });
      await testInfo.attach('loads', { body: describe(time), contentType: 'text/plain' });
      console.log(`/${screen}: ${time.runs.map((r) => r.ms).join(', ')} ms (median ${time.ms}), ${Math.round(time.bytes / 1000)} KB`);
      expect(time.ms, describe(time)).toBeLessThanOrEqual(LIVE_WITHIN_MS);
      expect(time.bytes / 1000, describe(time)).toBeLessThanOrEqual(BUDGET_KB[screen]);
    });
  }
});

test.describe('the other screens', () => {
  // Offline on purpose: the socket and the health checks fail meanwhile.
  test.use({
    allowedBrowserErrors: /ERR_INTERNET_DISCONNECTED|ERR_NETWORK_CHANGED|WebSocket|socket\.io|Failed to load resource|Failed to fetch/,
  });
  for (const [screen, other] of [
    ['/stats', 'Stories'],
    ['/stories', 'Stats'],
  ] as const) {
    test(`${screen}: the other screen is preloaded once it is live and idle, so it opens with the network gone`, async ({
      page,
      context,
    }) => {
      await page.goto(screen);
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      await page.waitForTimeout(5000);
      await context.setOffline(true);
      await page.getByRole('link', { name: other, exact: true }).click();
      await expect(page.getByRole('heading', { level: 1, name: other === 'Stats' ? 'Live statistics' : 'Stories' })).toBeVisible();
      await context.setOffline(false);
    });
  }
});
