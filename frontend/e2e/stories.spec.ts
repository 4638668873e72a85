import type { Locator, Page } from '@playwright/test';
import type { StoryDto, StoryListDto } from '@storyflow/contracts';
import {
  axeViolations,
  createStory,
  expect,
  expectNoHorizontalOverflow,
  generator,
  inEveryLook,
  notice,
  poll,
  screenshot,
  statusFilter,
  storyDone,
  storyRow,
  test,
  uniqueTitle,
} from './fixtures';

test.describe('stories screen', () => {
  test('an invalid form shows each error next to its field and moves the focus to it', async ({ page }) => {
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
    await expect(taskCount).toBeFocused();

    await taskCount.fill('5');
    const create = page.getByRole('button', { name: 'Create story' });
    await create.click();
    const max = page.getByLabel('Estimate max (ms)');
    await expect(max).toHaveAttribute('aria-invalid', 'true');
    // In the form's words, not the API's field names.
    await expect(max).toHaveAccessibleDescription('must be at least Estimate min (the shortest estimate)');
    await expect(max).toBeFocused();

    await page.getByLabel('List of estimates').check();
    const estimates = page.getByLabel(/Task estimates/);
    await estimates.fill('10, abc');
    await create.click();
    await expect(estimates).toHaveAccessibleDescription(/Task 2/);
  });

  test('a created story is listed, followed live and turns Done', async ({ page }) => {
    const title = uniqueTitle('e2e story');
    await page.goto('/stories');
    await page.getByLabel(/^Title/).fill(title);
    await page.getByLabel('List of estimates').check();
    await page.getByLabel(/Task estimates/).fill('300, 200, 400, 250, 350');
    const estimate = page.getByTestId('estimate');
    await expect(estimate).toContainText('5 tasks');
    await expect(estimate).toContainText('1.50 s of work');
    await expect(estimate).toContainText('400 ms with enough free workers');
    await page.getByRole('button', { name: 'Create story' }).click();
    await expect(notice(page, `Created ${title} with 5 tasks.`)).toBeVisible();
    // Ready for the next one.
    await expect(page.getByLabel(/^Title/)).toBeFocused();

    const row = storyRow(page, title);
    await expect(row.getByRole('cell', { name: 'Done', exact: true })).toBeVisible({ timeout: 20_000 });
    const progress = row.getByRole('progressbar', { name: `Progress of ${title}` });
    await expect(progress).toHaveAttribute('aria-valuenow', '5');
    await expect(progress).toHaveAttribute('aria-valuemax', '5');
    await expect(row).toContainText('5/5');
    await expect(row.getByTestId('story-processing')).toHaveText(/^took \d/);
  });

  test('keyboard only: create a story, open it, delete it from its page', async ({ page, request }) => {
    const title = uniqueTitle('keyboard');
    await page.goto('/stories');
    await expect(page.getByRole('heading', { name: 'Stories', level: 1 })).toBeVisible();
    // The skip link is the first stop and lands in the main content, on this page.
    await page.keyboard.press('Tab');
    await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/\/stories$/);
    await expect(page.locator('main')).toBeFocused();

    // The form's code comes a moment after the heading (deferred): a keyboard user tabs to it once it is there.
    await expect(page.locator('#story-title')).toBeVisible();
    await tabTo(page, page.locator('#story-title'));
    await page.keyboard.type(title);
    await tabTo(page, page.locator('#story-task-count'));
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('3');
    await page.keyboard.press('Enter');
    await expect(notice(page, `Created ${title} with 3 tasks.`)).toBeVisible();
    await expect(page.getByLabel(/^Title/)).toBeFocused();

    const link = storyRow(page, title).getByRole('link', { name: title });
    await expect(link).toBeVisible();
    await tabTo(page, link);
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/\/stories\/[0-9a-f]{24}$/);
    const heading = page.getByRole('heading', { name: title, level: 1 });
    await expect(heading).toBeFocused();
    await expect(page.getByTestId('detail-status')).toHaveText('Done', { timeout: 20_000 });
    await expect(page.getByRole('img', { name: /^Timeline: 3 tasks done/ })).toBeVisible();
    const id = page.url().split('/').at(-1)!;

    await tabTo(page, page.getByRole('button', { name: 'Delete', exact: true }));
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/\/stories$/);
    await expect(notice(page, `Deleted ${title}.`)).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Stories', level: 1 })).toBeFocused();
    expect((await request.get(`/api/stories/${id}`)).status()).toBe(404);
  });

  test('deleting a story marks its row in place, and it is gone for good', async ({ page, request }) => {
    const [first, second] = [uniqueTitle('to delete'), uniqueTitle('stays')];
    const story = await createStory(request, { title: first, tasks: [{ estimate: 10 }] });
    await storyDone(request, story.id);
    await storyDone(request, (await createStory(request, { title: second, tasks: [{ estimate: 10 }] })).id);
    await page.goto(`/stories?q=${encodeURIComponent(first.split(' ')[0])}`);
    const row = storyRow(page, first);
    await expect(row).toBeVisible();

    await row.getByRole('button', { name: `Delete ${first}` }).click();
    await expect(notice(page, `Deleted ${first}.`)).toBeVisible();
    // The row stays where it was (nothing moves under the pointer), marked and without buttons.
    await expect(row.getByTestId('story-status')).toHaveText('Deleted');
    await expect(row.getByRole('button')).toHaveCount(0);
    expect((await request.get(`/api/stories/${story.id}`)).status()).toBe(404);
    await page.reload();
    await expect(page.getByRole('heading', { name: 'Stories', level: 1 })).toBeVisible();
    await expect(storyRow(page, first)).toHaveCount(0);
  });

  test('search, filter and page live in the URL: reload and Back keep them', async ({ page, request }) => {
    const word = uniqueTitle('needle').replace(' ', '-');
    const story = await createStory(request, { title: `${word} one`, tasks: [{ estimate: 10 }] });
    await storyDone(request, story.id);
    await page.goto('/stories');
    await page.getByRole('searchbox', { name: 'Search' }).fill(word);
    await expect(page).toHaveURL(new RegExp(`q=${word}`));
    await expect(page.getByTestId('story-row')).toHaveCount(1);
    await statusFilter(page, 'Done').click();
    await expect(page).toHaveURL(/status=Done/);
    await expect(statusFilter(page, 'Done')).toHaveText(/Done\s*\(1\)/);
    await page.reload();
    await expect(page.getByRole('searchbox', { name: 'Search' })).toHaveValue(word);
    await expect(statusFilter(page, 'Done')).toHaveAttribute('aria-pressed', 'true');
    await page.goBack();
    await expect(statusFilter(page, 'All')).toHaveAttribute('aria-pressed', 'true');
    // By id as well.
    await page.getByRole('searchbox', { name: 'Search' }).fill(story.id);
    await expect(storyRow(page, `${word} one`)).toBeVisible();
  });

  test('unknown addresses get a not-found page', async ({ page }) => {
    await page.goto('/no/such/page');
    await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
    await expect(page).toHaveURL(/\/no\/such\/page$/);
  });

  test.describe('with a backend of its own', () => {
    // These count or delete every story, so they need a database no other test writes to.
    test.use({ ownBackend: true });

    test('rows stay put while the generator runs; new stories wait behind a button; no polling', async ({ page }) => {
      await page.goto('/stories');
      await generator(page).getByRole('button', { name: 'Start generator' }).click();
      const show = page.getByTestId('show-new');
      await expect(show).toBeVisible({ timeout: 10_000 });
      await poll(async () => Number(/\d+/.exec((await show.textContent()) ?? '')?.[0] ?? 0), 'new stories').toBeGreaterThanOrEqual(20);
      await show.click();
      await expect(page.getByTestId('story-row')).toHaveCount(20);

      const ids = () => page.getByTestId('story-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-story-id')));
      const before = await ids();
      const target = page.getByTestId('delete-story').nth(2);
      await target.hover();
      const box = (await target.boundingBox())!;
      let listLoads = 0;
      page.on('request', (r) => r.method() === 'GET' && /\/api\/stories\?/.test(r.url()) && listLoads++);
      // While twenty more stories arrive (each could have moved the rows if the list followed them live)...
      const waiting = async () => Number(/\d+/.exec((await show.textContent()) ?? '')?.[0] ?? 0);
      const waitingBefore = await waiting();
      await poll(waiting, 'new stories waiting').toBeGreaterThanOrEqual(waitingBefore + 20);
      expect(await ids(), 'the same rows in the same order').toEqual(before);
      expect(listLoads, 'the list is not polled').toBe(0);
      // The button under the pointer is still the same story's.
      const under = await page.evaluate(({ x, y }) => document.elementFromPoint(x, y)?.closest('tr')?.getAttribute('data-story-id'), {
        x: box.x + box.width / 2,
        y: box.y + box.height / 2,
      });
      expect(under).toBe(before[2]);
      await expect(show).toHaveText(/Show \d+ new stor(y|ies)/);
      await generator(page).getByRole('button', { name: 'Stop generator' }).click();
    });

    test('"Delete all Done (N)" names how many, asks in a dialog first, and is disabled at 0', async ({ page, request }) => {
      const titles = [uniqueTitle('done a'), uniqueTitle('done b')];
      for (const title of titles) await storyDone(request, (await createStory(request, { title, tasks: [{ estimate: 10 }] })).id);
      await page.goto('/stories');
      await statusFilter(page, 'Done').click();
      await expect(statusFilter(page, 'Done')).toHaveAttribute('aria-pressed', 'true');
      for (const title of titles) await expect(storyRow(page, title)).toBeVisible();

      const deleteAll = page.getByRole('button', { name: 'Delete all Done (2)' });
      const dialog = page.getByRole('dialog', { name: 'Delete all 2 Done stories?' });
      await deleteAll.click();
      await expect(dialog).toBeVisible();
      await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
      await page.keyboard.press('Escape');
      await expect(dialog).toBeHidden();
      await expect(deleteAll).toBeFocused();
      for (const title of titles) await expect(storyRow(page, title)).toBeVisible();

      await deleteAll.click();
      await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
      await expect(notice(page, 'Deleted 2 Done stories.')).toBeVisible();
      for (const title of titles) await expect(storyRow(page, title).getByTestId('story-status')).toHaveText('Deleted');
      await expect(page.getByRole('button', { name: /^Delete all Done/ })).toHaveAttribute('aria-disabled', 'true', { timeout: 5000 });
      const done = (await (await request.get('/api/stories?status=Done')).json()) as StoryListDto;
      expect(done.total).toBe(0);
    });

    test('bulk: select stories, run them again (with Undo), delete them', async ({ page, request }) => {
      const titles = [uniqueTitle('bulk a'), uniqueTitle('bulk b')];
      for (const title of titles) await storyDone(request, (await createStory(request, { title, tasks: [{ estimate: 10 }] })).id);
      await page.goto('/stories');
      for (const title of titles) await page.getByRole('checkbox', { name: `Select ${title}` }).check();
      await expect(page.getByTestId('selected-count')).toHaveText('2 selected');
      await page.getByRole('group', { name: 'Selected stories' }).getByRole('button', { name: 'Run again' }).click();
      const started = notice(page, 'Started 2 new runs.');
      await expect(started).toBeVisible();
      await started.getByRole('button', { name: 'Undo' }).click();
      await expect(notice(page, 'Undone: removed 2 new runs.')).toBeVisible();

      for (const title of titles) await page.getByRole('checkbox', { name: `Select ${title}` }).check();
      await page.getByRole('group', { name: 'Selected stories' }).getByRole('button', { name: 'Delete' }).click();
      await page.getByRole('dialog', { name: 'Delete 2 stories?' }).getByRole('button', { name: 'Delete 2 stories' }).click();
      await expect(notice(page, 'Deleted 2 stories.')).toBeVisible();
      const all = (await (await request.get('/api/stories')).json()) as StoryListDto;
      expect(all.total).toBe(0);
    });
  });
});

test.describe('where a story’s time went', () => {
  // Two workers, no more: a story created behind another waits for them.
  test.use({ ownBackend: true, backendEnv: { POOL_MIN: '2', POOL_MAX: '2', RATE_LIMIT_PER_SEC: '0' } });

  test('a Done story’s page shows its three phases, filled in place as it turns Done live; 1280 and 390 px, light and dark', async ({
    page,
    request,
  }, testInfo) => {
    // 2 s of work for the two workers ahead of it, then 4 tasks of 400 ms of its own: it waits, then runs.
    await createStory(request, { title: uniqueTitle('ahead'), tasks: Array.from({ length: 4 }, () => ({ estimate: 1000 })) });
    const title = uniqueTitle('behind');
    const { id } = await createStory(request, { title, tasks: Array.from({ length: 4 }, () => ({ estimate: 400 })) });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`/stories/${id}`);
    await expect(page.getByTestId('detail-status')).toHaveText('Open');
    const phases = page.getByTestId('detail-phases');
    // Its place is kept while Open, its contents hidden.
    await expect(phases).toBeHidden();
    // Where the phases are, and what follows them (read from the layout: hidden has no box for Playwright).
    const layout = () =>
      page.evaluate(() => {
        const box = (selector: string) => document.querySelector(selector)!.getBoundingClientRect();
        const p = box('[data-testid="detail-phases"]');
        return { height: p.height, below: box('#timeline-title').top - p.bottom, dl: box('.facts > dl').height };
      });
    const before = await layout();

    await expect(page.getByTestId('detail-status')).toHaveText('Done', { timeout: 20_000 });
    await expect(phases).toBeVisible();
    const { timing, processingMs } = (await (await request.get(`/api/stories/${id}`)).json()) as StoryDto;
    expect(timing).not.toBeNull();
    const waited = timing!.waitingMs;
    expect(waited).toBeGreaterThan(500);
    expect(timing!.waitingMs + timing!.runningMs + timing!.committingMs).toBeCloseTo(processingMs!, -1);
    // Each phase in words, its time and share: from the refetch that followed the live Done.
    const figures = /^(\d+ ms|\d+\.\d+ s) · (< 1 %|> 99 %|\d+ %)$/;
    for (const [phase, label] of [
      ['waiting', 'Waiting for a worker'],
      ['running', 'Running its tasks'],
      ['committing', 'Waiting for its commit (database)'],
    ] as const) {
      const row = page.getByTestId(`phase-${phase}`);
      await expect(row.locator('dt')).toHaveText(label);
      await expect(row.locator('dd')).toHaveText(figures);
    }
    await expect(page.getByTestId('phase-waiting').locator('dd')).toContainText(`${Math.round((100 * waited) / processingMs!)} %`);
    // The phases filled the place kept for them: the same size, and what follows where it was beside them.
    const after = await layout();
    expect(after.height).toBe(before.height);
    expect(after.below).toBe(before.below);
    // And the facts above them kept their height: a story that starts or ends moves nothing below its facts.
    expect(after.dl).toBe(before.dl);

    await inEveryLook(page, async ({ width, scheme }) => {
      await phases.scrollIntoViewIfNeeded();
      expect(await axeViolations(page)).toEqual([]);
      await expectNoHorizontalOverflow(page);
      await screenshot(page, testInfo, `story-phases-${width}-${scheme}`);
    });
  });
});

/** Presses Tab until `target` has the focus (at most 80 times): a keyboard user's way there. */
async function tabTo(page: Page, target: Locator): Promise<void> {
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press('Tab');
    if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) return;
  }
  throw new Error(`Tab never reached ${target.toString()}`);
}
