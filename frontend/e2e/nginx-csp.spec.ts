import { createStory, expect, figure, liveIndicator, poll, storyRow, test, uniqueTitle } from './fixtures';

declare global {
  interface Window {
    __cspViolations?: string[];
  }
}

test.describe('behind nginx (nginx.conf)', () => {
  test('the dashboard runs under the production CSP: live stats, a story, the list', async ({ page, request, nginx }) => {
    // Recorded in the page itself, before any of its scripts run (the SPA stays one document throughout).
    await page.addInitScript(() => {
      window.__cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations?.push(`${e.violatedDirective} ${e.blockedURI}`));
    });

    await page.goto(`${nginx.url}/stats`);
    // Socket.IO through nginx, under connect-src 'self'.
    await expect(liveIndicator(page)).toBeVisible();
    // Both charts drawn by Chart.js under the CSP (no inline styles or eval).
    await expect(page.getByTestId('stats-chart')).toBeVisible();
    await expect(page.getByTestId('latency-chart')).toBeVisible();

    const completedBefore = (await figure(page, 'figure-completed')) || 0;
    const title = uniqueTitle('nginx csp');
    await createStory(request, { title, tasks: [{ estimate: 10 }] }, nginx.url);
    await poll(() => figure(page, 'figure-completed'), 'the story completes live').toBeGreaterThan(completedBefore);

    // Client-side navigation; the list is fetched through nginx's /api/.
    await page.getByRole('link', { name: 'Stories', exact: true }).click();
    await expect(page).toHaveURL(/\/stories$/);
    await expect(storyRow(page, title)).toBeVisible();

    // Console errors and page errors fail the test through the browserErrors fixture.
    expect(await page.evaluate(() => window.__cspViolations), 'CSP violations').toEqual([]);
  });
});
