import { chart, createStory, expect, figure, generator, liveIndicator, poll, screenshot, storyDone, test } from './fixtures';

test.describe('the server going away and coming back', () => {
  // A backend of its own, to stop. While it is down the page's socket and requests are refused: expected.
  test.use({
    ownBackend: true,
    allowedBrowserErrors: /ERR_CONNECTION_REFUSED|WebSocket connection to .* failed|socket\.io|Failed to load resource/,
  });

  test('greys the stats out and says since when; the generator pauses, then resumes; the list says it is not live', async ({
    page,
    request,
    backend,
  }, testInfo) => {
    await storyDone(request, (await createStory(request, { tasks: [{ estimate: 10 }] })).id);
    await page.goto('/stats');
    await expect(liveIndicator(page)).toBeVisible();
    await generator(page).getByRole('button', { name: 'Start generator' }).click();
    await poll(() => figure(page, 'generator-sent'), 'stories sent').toBeGreaterThan(10);
    const completedBefore = await figure(page, 'figure-completed');

    const posts: number[] = [];
    page.on('request', (r) => r.method() === 'POST' && r.url().endsWith('/api/stories') && posts.push(Date.now()));
    await backend.stop();
    await expect(liveIndicator(page)).toHaveCount(0);
    await expect(page.getByRole('status').filter({ hasText: /reconnecting|offline/ })).toBeVisible();
    const note = page.getByTestId('stale-note');
    await expect(note).toContainText(/No connection to the server since \d\d:\d\d:\d\d\. The figures below are the last known/);
    // Greyed out, not presented as live; the chart and the last figures stay for reference.
    await expect(page.locator('section.figures')).toHaveClass(/stale/);
    await expect(page.locator('section.pool')).toHaveClass(/stale/);
    await expect(chart(page)).toBeVisible();
    expect(await figure(page, 'figure-completed')).toBe(completedBefore);
    await expect(page.getByTestId('generator-state')).toHaveText(/^paused: server unreachable since \d\d:\d\d:\d\d/);

    // Held: from now on only probes, one story at growing intervals (1, 2, 4 s …), not a request every pause
    // (one each 50–100 ms). Two probes, at least the doubled wait apart, and the wait after them longer still.
    const postsAtHold = posts.length;
    await expect
      .poll(() => posts.length - postsAtHold, { message: 'probes while the server is down', intervals: [100], timeout: 20_000 })
      .toBeGreaterThanOrEqual(2);
    const [first, second] = posts.slice(postsAtHold);
    expect(second - first, 'pause between the first two probes').toBeGreaterThanOrEqual(1500);
    await expect(page.getByTestId('generator-state')).toHaveText(/next try in ([3-9]|\d\d) s$/);
    expect(posts.length - postsAtHold, 'requests while the server is down').toBe(2);
    await screenshot(page, testInfo, 'outage-stats-1280-light');

    // Every screen was preloaded: switching works while the server is down.
    await page.getByRole('link', { name: 'Stories', exact: true }).click();
    await expect(page.getByRole('heading', { name: 'Stories', level: 1 })).toBeVisible();
    await expect(page.getByTestId('list-state')).toContainText(/Not live since|cannot be reached/);
    await screenshot(page, testInfo, 'outage-stories-1280-light');
    await page.getByRole('link', { name: 'Stats', exact: true }).click();

    await backend.restart();
    await expect(liveIndicator(page)).toBeVisible({ timeout: 15_000 });
    await expect(page.getByTestId('stale-note')).toHaveCount(0);
    await expect(page.locator('section.figures')).not.toHaveClass(/stale/);
    // The generator resumes by itself, and the old error does not linger.
    await expect(page.getByTestId('generator-state')).toHaveText(/^running/, { timeout: 15_000 });
    await expect(page.getByTestId('generator-error')).toHaveCount(0);
    await poll(() => figure(page, 'figure-completed'), 'figures resynced').toBeGreaterThanOrEqual(completedBefore);
    // The outage is a gap in the chart, not bars of zero (the other gap: the seconds before the server first started).
    await expect(chart(page)).toHaveAttribute('aria-label', /2 gaps without data$/);
    await screenshot(page, testInfo, 'outage-back-stats-1280-light');
    await generator(page).getByRole('button', { name: 'Stop generator' }).click();
  });
});
