import type { Page, TestInfo } from '@playwright/test';
import { chart, createStory, expect, liveIndicator, storyDone, storyRow, test, uniqueTitle } from './fixtures';

/** A phone-width page must not scroll sideways: nothing wider than the viewport (the failure names the widest element). */
async function expectNoHorizontalOverflow(page: Page): Promise<void> {
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

async function attachScreenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  await testInfo.attach(name, { body: await page.screenshot({ fullPage: false }), contentType: 'image/png' });
}

test.describe('phone width (390 px)', () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test('the stats and stories screens do not scroll sideways', async ({ page, request }, testInfo) => {
    const title = uniqueTitle('a story with a rather long title for a phone');
    await storyDone(request, (await createStory(request, { title, tasks: [{ estimate: 10 }, { estimate: 20 }] })).id);

    await page.goto('/stats');
    await expect(liveIndicator(page)).toBeVisible();
    await expect(chart(page)).toBeVisible();
    await expectNoHorizontalOverflow(page);
    await attachScreenshot(page, testInfo, 'stats-390');

    await page.getByRole('link', { name: 'Stories', exact: true }).click();
    await expect(storyRow(page, title)).toBeVisible();
    await expectNoHorizontalOverflow(page);
    await attachScreenshot(page, testInfo, 'stories-390');
  });
});
