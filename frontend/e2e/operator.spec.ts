import { chart, createStory, expect, inEveryLook, liveIndicator, poll, screenshot, test } from './fixtures';

/**
 * What an operator on call sees while a burst of slow stories drains: the objective breached in the
 * header, the story latency beside the throughput and where the slow stories' time went, and when the backlog will clear. At both widths and
 * in both color schemes, with screenshots to look at.
 */
test.describe('an objective breached while a backlog drains', () => {
  test.use({
    ownBackend: true,
    // A pool capped at 20, so that the burst waits; an objective the burst's stories cannot meet.
    backendEnv: { POOL_MIN: '2', POOL_MAX: '20', SLO_STORY_P99_MS: '100', SLO_WINDOW_SECONDS: '60', RATE_LIMIT_PER_SEC: '0' },
  });

  test('alert, latency chart and backlog ETA, at 1280 and 390 px, light and dark', async ({ page, request }, testInfo) => {
    test.setTimeout(90_000);
    // 100 stories of 12 tasks of 100–150 ms: about 150 s of work for 20 workers, so ≈ 7 s to drain.
    for (let i = 0; i < 100; i++)
      await createStory(request, {
        title: `slow ${i}`,
        tasks: Array.from({ length: 12 }, (_, k) => ({ estimate: 100 + ((i + k * 7) % 51) })),
      });

    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto('/stats');
    await expect(liveIndicator(page)).toBeVisible();
    await expect(chart(page)).toBeVisible();
    const eta = page.getByTestId('backlog-eta');
    await expect(eta).toHaveText(/^The backlog (clears in ≈ \d+ s|grows)/);
    await poll(async () => (await eta.textContent()) ?? '', 'the drain estimate').toMatch(
      /^The backlog clears in ≈ \d+ s at the current [\d,]+ tasks\/s\.$/,
    );
    await expect(page.getByTestId('oldest-open')).toHaveText(/^Oldest Open story: \d+ s old\.$/);

    // The first stories are done after a second or more: the objective fires, on the page's header.
    const banner = page.getByTestId('alert-banner');
    await expect(banner).toContainText(/Story latency p99 [\d,.]+ > 100 ms since \d\d:\d\d:\d\d/, { timeout: 20_000 });
    await expect(page.getByTestId('latency-chart')).toHaveAttribute('aria-label', /p99 (≤ )?[\d.]+ ms over \d+ stories$/);
    await expect(page.getByTestId('range-latency')).toContainText(/Over the range: p50 [\d.,]+ · p95 [\d.,]+ · p99 [\d.,]+ ms/);
    await expect(page.getByTestId('latency-second')).toContainText(/p99/);
    // Why: the slowest stories waited for a worker, the pool at its limit.
    await expect(page.getByTestId('blame-window')).toContainText(/slowest [\w %]+: \d+ % waiting for a worker, pool at its limit of 20/);

    await inEveryLook(page, async ({ width, scheme }) => {
      await expect(banner).toBeVisible();
      await screenshot(page, testInfo, `operator-stats-${width}-${scheme}`, true);
    });
    // The banner is on every screen, not only the stats.
    await page.getByRole('link', { name: 'Stories', exact: true }).click();
    await expect(page.getByRole('heading', { name: 'Stories', level: 1 })).toBeVisible();
    await expect(banner).toContainText('Story latency p99');
  });
});
