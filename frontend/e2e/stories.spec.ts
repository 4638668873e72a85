import type { StoryListDto } from '@storyflow/contracts';
import { createStory, expect, storyDone, storyRow, test, uniqueTitle } from './fixtures';

test.describe('stories screen', () => {
  test('an invalid form shows each error next to its field', async ({ page }) => {
    await page.goto('/');
    await page.getByRole('link', { name: 'Stories', exact: true }).click();
    await expect(page).toHaveURL(/\/stories$/);
    await page.reload(); // a deep link: the server answers /stories with the SPA
    await expect(page.getByRole('heading', { name: 'New story' })).toBeVisible();

    const taskCount = page.getByLabel('Number of tasks');
    await taskCount.fill('0');
    await page.getByLabel('Estimate min (ms)').fill('50');
    await page.getByLabel('Estimate max (ms)').fill('10');
    await taskCount.press('Enter'); // keyboard submit
    await expect(taskCount).toHaveAttribute('aria-invalid', 'true');
    await expect(taskCount).toHaveAccessibleDescription(/must be at least 1/);

    await taskCount.fill('5');
    await page.getByRole('button', { name: 'Create story' }).click();
    await expect(page.getByLabel('Estimate max (ms)')).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByLabel('Estimate max (ms)')).toHaveAccessibleDescription(/\S/);

    await page.getByLabel('List of estimates').check();
    const estimates = page.getByLabel(/Task estimates/);
    await estimates.fill('10, abc');
    await page.getByRole('button', { name: 'Create story' }).click();
    await expect(estimates).toHaveAccessibleDescription(/Task 2/);
  });

  test('a created story is listed and turns Done', async ({ page }) => {
    const title = uniqueTitle('e2e story');
    await page.goto('/stories');
    await page.getByLabel(/^Title/).fill(title);
    await page.getByLabel('List of estimates').check();
    await page.getByLabel(/Task estimates/).fill('30, 20, 40, 25, 35');
    const estimate = page.getByText(/tasks · total work/);
    await expect(estimate).toContainText('150 ms');
    await expect(estimate).toContainText('40 ms');
    await page.getByRole('button', { name: 'Create story' }).click();
    await expect(page.getByRole('status').filter({ hasText: `Created story ${title}` })).toBeVisible();

    const row = storyRow(page, title);
    await expect(row.getByRole('cell', { name: 'Done', exact: true })).toBeVisible({ timeout: 20_000 });
    const progress = row.getByRole('progressbar', { name: `Progress of ${title}` });
    await expect(progress).toHaveAttribute('aria-valuenow', '5');
    await expect(progress).toHaveAttribute('aria-valuemax', '5');
    await expect(row).toContainText('5/5');
    await expect(row.getByTestId('story-processing')).toHaveText(/\d/);
  });

  test('deleting a story removes it for good', async ({ page, request }) => {
    const title = uniqueTitle('to delete');
    const story = await createStory(request, { title, tasks: [{ estimate: 10 }] });
    await storyDone(request, story.id);
    await page.goto('/stories');
    const row = storyRow(page, title);
    await expect(row).toBeVisible();

    await row.getByRole('button', { name: `Delete ${title}` }).click();
    await expect(row).toHaveCount(0);
    await expect(page.getByRole('status').filter({ hasText: `Deleted ${title}.` })).toBeVisible();
    // The list keeps polling: its next answer no longer has the story either.
    const nextList = await page.waitForResponse((r) => r.request().method() === 'GET' && /\/api\/stories\?/.test(r.url()));
    expect(((await nextList.json()) as StoryListDto).items.map((s) => s.id)).not.toContain(story.id);
    await expect(row).toHaveCount(0);
    expect((await request.get(`/api/stories/${story.id}`)).status()).toBe(404);
  });

  test.describe('with a backend of its own', () => {
    // It removes every Done story, so it counts them exactly only where no other test left any.
    test.use({ ownBackend: true });

    test('"Delete all Done" asks in a dialog first', async ({ page, request }) => {
      const titles = [uniqueTitle('done a'), uniqueTitle('done b')];
      for (const title of titles) await storyDone(request, (await createStory(request, { title, tasks: [{ estimate: 10 }] })).id);
      await page.goto('/stories');
      const doneFilter = page.getByRole('group', { name: 'Filter by status' }).getByRole('button', { name: 'Done', exact: true });
      await doneFilter.click();
      await expect(doneFilter).toHaveAttribute('aria-pressed', 'true');
      for (const title of titles) await expect(storyRow(page, title)).toBeVisible();

      const deleteAll = page.getByRole('button', { name: 'Delete all Done' });
      const dialog = page.getByRole('dialog', { name: 'Delete all Done stories?' });
      await deleteAll.click();
      await expect(dialog).toBeVisible();
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await expect(dialog).toBeHidden();
      for (const title of titles) await expect(storyRow(page, title)).toBeVisible();

      await deleteAll.click();
      await expect(dialog).toBeVisible();
      await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
      await expect(page.getByRole('status').filter({ hasText: 'Deleted 2 Done stories.' })).toBeVisible();
      await expect(page.getByRole('cell', { name: 'No stories.' })).toBeVisible();
      const done = (await (await request.get('/api/stories?status=Done')).json()) as StoryListDto;
      expect(done.total).toBe(0);
    });
  });
});
