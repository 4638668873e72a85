import {
  chart,
  createStory,
  expect,
  expectNoHorizontalOverflow,
  liveIndicator,
  screenshot,
  storyDone,
  storyRow,
  test,
  uniqueTitle,
} from './fixtures';

/** Every screen at a width and color scheme, with screenshots to look at; none scrolls sideways. */
for (const [width, scheme] of [
  [390, 'light'],
  [390, 'dark'],
  [1280, 'light'],
  [1280, 'dark'],
] as const) {
  test.describe(`${width} px, ${scheme}`, () => {
    test.use({ viewport: { width, height: width > 800 ? 900 : 844 }, colorScheme: scheme });

    test('stats, stories and a story fit the screen', async ({ page, request }, testInfo) => {
      const title = uniqueTitle('a story with a rather long title for a phone');
      const story = await createStory(request, { title, tasks: Array.from({ length: 12 }, (_, i) => ({ estimate: 10 + i })) });
      await storyDone(request, story.id);

      await page.goto('/stats');
      await expect(liveIndicator(page)).toBeVisible();
      await expect(chart(page)).toBeVisible();
      const background = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
      // Dark mode follows the system setting: a dark page behind dark panels.
      const [r, g, b] = background.match(/\d+/g)!.map(Number);
      if (scheme === 'dark') expect(r + g + b, background).toBeLessThan(150);
      else expect(r + g + b, background).toBeGreaterThan(600);
      await expectNoHorizontalOverflow(page);
      await screenshot(page, testInfo, `stats-${width}-${scheme}`);

      await page.getByRole('link', { name: 'Stories', exact: true }).click();
      await expect(storyRow(page, title)).toBeVisible();
      await expectNoHorizontalOverflow(page);
      // On a phone the pager is at the top as well as at the bottom.
      await expect(page.getByRole('navigation', { name: 'Pages, top' })).toBeVisible();
      await screenshot(page, testInfo, `stories-${width}-${scheme}`);

      await storyRow(page, title).getByRole('link', { name: title }).click();
      await expect(page.getByRole('heading', { name: title, level: 1 })).toBeVisible();
      await expect(page.getByRole('img', { name: /^Timeline: 12 tasks done/ })).toBeVisible();
      await expectNoHorizontalOverflow(page);
      await screenshot(page, testInfo, `detail-${width}-${scheme}`);
    });
  });
}
