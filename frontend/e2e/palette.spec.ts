import type { Page } from '@playwright/test';
import {
  axeViolations,
  createStory,
  expect,
  expectNoHorizontalOverflow,
  inEveryLook,
  liveIndicator,
  screenshot,
  test,
  uniqueTitle,
} from './fixtures';

const palette = (page: Page) => page.getByRole('dialog', { name: 'Command palette' });
const field = (page: Page) => page.getByRole('combobox', { name: 'Command, story id or job id' });

test.describe('the command palette', () => {
  test('Ctrl+K, a story id, Enter: that story’s page', async ({ page, request }) => {
    const title = uniqueTitle('palette jump');
    const story = await createStory(request, { title, tasks: [{ estimate: 10 }] });
    await page.goto('/stats');
    await expect(liveIndicator(page)).toBeVisible();

    await page.keyboard.press('Control+k');
    await expect(field(page)).toBeFocused();
    await page.keyboard.type(story.id);
    await expect(page.getByRole('option', { name: `Open story ${story.id}`, selected: true })).toBeVisible();
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(new RegExp(`/stories/${story.id}$`));
    await expect(page.getByRole('heading', { name: title, level: 1 })).toBeVisible();
    await expect(palette(page)).toHaveCount(0);
  });

  test('to a screen with the keyboard alone; Escape gives the focus back', async ({ page }) => {
    await page.goto('/stats');
    await expect(liveIndicator(page)).toBeVisible();
    const statsLink = page.getByRole('link', { name: 'Stats', exact: true });
    await statsLink.focus();
    await page.keyboard.press('Control+k');
    await expect(field(page)).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(palette(page)).toHaveCount(0);
    await expect(statsLink).toBeFocused();

    await page.keyboard.press('Control+k');
    await expect(field(page)).toBeFocused();
    await page.keyboard.type('stor');
    // "Stories" first, then "Open stories": Down moves to it, the field keeps the focus.
    await page.keyboard.press('ArrowDown');
    await expect(page.getByRole('option', { name: /Open stories/, selected: true })).toBeVisible();
    await expect(field(page)).toBeFocused();
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/\/stories$/);
    await expect(page.getByRole('heading', { name: 'Stories', level: 1 })).toBeFocused();
  });

  test('? lists the shortcuts; palette and list have no axe violation, at 1280 and 390 px, light and dark', async ({ page }, testInfo) => {
    await page.goto('/stats');
    await expect(liveIndicator(page)).toBeVisible();
    await page.keyboard.press('?');
    const shortcuts = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await expect(shortcuts).toBeVisible();
    await expect(shortcuts).toContainText('Open the command palette');
    await expect(shortcuts).toContainText('Show these shortcuts');
    expect(await axeViolations(page, '[role="dialog"]')).toEqual([]);
    await screenshot(page, testInfo, 'shortcuts-1280-light');
    await page.keyboard.press('Escape');
    await expect(shortcuts).toHaveCount(0);

    await inEveryLook(page, async ({ width, scheme }) => {
      // The header's button opens it too (the pointer's and the phone's way).
      await page.getByTestId('palette-open').click();
      await expect(field(page)).toBeFocused();
      const before = await field(page).boundingBox();
      await page.keyboard.type('pa');
      await expect(page.getByRole('option', { name: /Pause processing/ })).toBeVisible();
      // Typing changes the options, not where the field and the list are.
      expect(await field(page).boundingBox()).toEqual(before);
      await page.keyboard.press('Backspace');
      await page.keyboard.press('Backspace');
      expect(await axeViolations(page, '[role="dialog"]')).toEqual([]);
      await expectNoHorizontalOverflow(page);
      await screenshot(page, testInfo, `palette-${width}-${scheme}`);
      await page.keyboard.press('Escape');
      await expect(palette(page)).toHaveCount(0);
    });
  });
});
