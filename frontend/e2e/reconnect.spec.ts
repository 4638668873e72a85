import { chart, createStory, expect, figure, liveIndicator, poll, storyDone, test } from './fixtures';

test.describe('live stats across a server restart', () => {
  // A backend of its own, to stop. While it is down the page's socket and polls are refused: expected, not a failure.
  test.use({
    ownBackend: true,
    allowedBrowserErrors: /ERR_CONNECTION_REFUSED|WebSocket connection to .* failed|socket\.io|Failed to load resource/,
  });

  test('reconnect and resync from the new server', async ({ page, request, backend }) => {
    await storyDone(request, (await createStory(request, { tasks: [{ estimate: 10 }] })).id);
    await page.goto('/stats');
    await expect(liveIndicator(page)).toBeVisible();
    await poll(() => figure(page, 'figure-completed'), 'completed story shown').toBeGreaterThanOrEqual(1);
    const completedBefore = await figure(page, 'figure-completed');

    await backend.stop();
    await expect(liveIndicator(page)).toHaveCount(0);
    await expect(page.getByRole('status').filter({ hasText: /reconnecting|offline/ })).toBeVisible();
    // The chart and the last figures stay on screen while disconnected.
    await expect(chart(page)).toBeVisible();
    expect(await figure(page, 'figure-completed')).toBe(completedBefore);

    await backend.restart();
    await expect(liveIndicator(page)).toBeVisible({ timeout: 15_000 });
    // Resynced from the new server's snapshot: the totals survive the restart (same database).
    await poll(() => figure(page, 'figure-completed'), 'figures resynced').toBeGreaterThanOrEqual(completedBefore);
    await expect(chart(page)).toBeVisible();
  });
});
