import { chart, chartSums, expect, figure, liveIndicator, poll, test } from './fixtures';

test.describe('stats screen', () => {
  test('connects, shows the chart of the latest 20 seconds and the database mode', async ({ page }) => {
    await page.goto('/');
    await expect(page).toHaveURL(/\/stats$/);
    await expect(page.getByRole('heading', { name: 'Live statistics' })).toBeVisible();
    await expect(liveIndicator(page)).toBeVisible();
    await expect(chart(page)).toBeVisible();
    const box = await chart(page).boundingBox();
    expect(box?.width).toBeGreaterThan(200);
    expect(box?.height).toBeGreaterThan(100);
    const { from, to, text } = await chartSums(page);
    expect((to - from + 86_400) % 86_400, `chart spans 20 s: ${text}`).toBe(19);
    await expect(page.getByRole('contentinfo')).toHaveText(/^Database: MongoDB/);
  });

  test('the generator drives the figures and the chart', async ({ page }) => {
    await page.goto('/stats');
    await expect(liveIndicator(page)).toBeVisible();
    await expect(chart(page)).toBeVisible();
    const before = await chartSums(page);
    const completedBefore = await figure(page, 'figure-completed');
    const generator = page.getByRole('region', { name: 'Generator' });

    await generator.getByRole('button', { name: 'Start' }).click();
    await poll(() => figure(page, 'generator-sent'), 'stories sent').toBeGreaterThan(5);
    await poll(() => figure(page, 'figure-produced'), 'produced/s').toBeGreaterThan(0);
    await poll(() => figure(page, 'figure-completed-per-sec'), 'completed/s').toBeGreaterThan(0);
    await poll(() => figure(page, 'figure-completed'), 'completed total').toBeGreaterThan(completedBefore);
    await poll(async () => {
      const now = await chartSums(page);
      return now.text !== before.text && now.produced > before.produced && now.completed > 0;
    }, 'chart bars change').toBe(true);
    expect(await figure(page, 'pool-size')).toBeGreaterThan(0);
    expect(await figure(page, 'generator-failed')).toBe(0);

    await generator.getByRole('button', { name: 'Stop' }).click();
    await expect(generator.getByRole('button', { name: 'Start' })).toBeVisible();
    await poll(() => figure(page, 'generator-in-flight'), 'generator idle').toBe(0);
  });
});
