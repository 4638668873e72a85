import { weighScreen } from '@storyflow/test-support';
import { expect, test } from './fixtures';

/** What a screen costs before its heading shows (the budget of issue #18); the other screens come after. */
const BUDGET_KB = 120;

test.describe('screens load light', () => {
  // Offline on purpose in the second test: the socket and the health checks fail meanwhile.
  test.use({
    allowedBrowserErrors: /ERR_INTERNET_DISCONNECTED|ERR_NETWORK_CHANGED|WebSocket|socket\.io|Failed to load resource|Failed to fetch/,
  });
  for (const [screen, other] of [
    ['/stats', 'Stories'],
    ['/stories', 'Stats'],
  ] as const) {
    test(`${screen}: at most ${BUDGET_KB} KB of gzipped JavaScript before its heading`, async ({ browser, baseURL }) => {
      const context = await browser.newContext();
      try {
        const weight = await weighScreen(context, `${baseURL}${screen}`);
        expect(weight.files.length).toBeGreaterThan(0);
        expect(weight.jsGzipKb, weight.files.join(' ')).toBeLessThanOrEqual(BUDGET_KB);
        // The rest (other screens, the deferred parts) was fetched, but after the heading.
        expect(weight.afterwards.length).toBeGreaterThan(0);
      } finally {
        await context.close();
      }
    });

    test(`${screen}: the other screen is preloaded once it is idle, so it opens with the network gone`, async ({ page, context }) => {
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
