import type { Page } from '@playwright/test';
import type { StoryDto } from '@storyflow/contracts';
import {
  axeViolations,
  expect,
  expectNoHorizontalOverflow,
  inEveryLook,
  notice,
  screenshot,
  storyRow,
  test,
  uniqueTitle,
} from './fixtures';

const OPERATOR = 'operator-token-for-audit-e2e-0123456789';
const auth = { Authorization: `Bearer ${OPERATOR}` };

const rows = (page: Page) => page.getByTestId('audit-row');

test.describe('the audit log', () => {
  test.use({
    ownBackend: true,
    // Reads open, changes with the operator token: a visitor without it is a viewer.
    backendEnv: { API_TOKEN: OPERATOR },
  });

  test('a delete and a create by hand are listed with their story and outcome; filter; axe; 1280 and 390 px, light and dark', async ({
    page,
    request,
    browser,
    baseURL,
  }, testInfo) => {
    test.setTimeout(90_000);
    // A visitor without the operator token (a viewer here) is told what the log needs, not shown a broken page.
    const visitor = await browser.newPage({ baseURL });
    await visitor.goto('/audit');
    await expect(visitor.getByTestId('audit-refused')).toHaveText('The audit log is for operators: this dashboard has no operator token.');
    await expect(visitor.getByRole('link', { name: 'Audit log' })).toHaveCount(0);
    await visitor.close();

    await page.addInitScript((token) => sessionStorage.setItem('storyflow.token', token), OPERATOR);
    const doomed = uniqueTitle('audit doomed');
    const res = await request.post('/api/stories', { data: { title: doomed, tasks: [{ estimate: 10 }] }, headers: auth });
    expect(res.status()).toBe(201);
    const deleted = (await res.json()) as StoryDto;
    // A create through the API is not recorded; a delete of a story that is not there is, with its failure.
    expect((await request.delete('/api/stories/0123456789abcdef01234567', { headers: auth })).status()).toBe(404);

    // Deleted from the stories screen.
    await page.goto(`/stories?q=${encodeURIComponent(doomed)}`);
    await storyRow(page, doomed)
      .getByRole('button', { name: `Delete ${doomed}` })
      .click();
    await expect(notice(page, `Deleted ${doomed}.`)).toBeVisible();

    // Created with the story form.
    const made = uniqueTitle('audit made');
    await page.getByLabel(/^Title/).fill(made);
    await page.getByRole('button', { name: 'Create story' }).click();
    const created = notice(page, `Created ${made}`);
    await expect(created).toBeVisible();
    const madeId = /\/stories\/([0-9a-f]{24})$/.exec((await created.getByRole('link', { name: 'View' }).getAttribute('href')) ?? '')?.[1];
    expect(madeId).toBeTruthy();

    // From the header's navigation, as an operator.
    await page.getByRole('link', { name: 'Audit log', exact: true }).click();
    await expect(page.getByRole('heading', { name: 'Audit log', level: 1 })).toBeFocused();
    await expect(rows(page)).toHaveCount(3);
    const [newest, middle, oldest] = [rows(page).nth(0), rows(page).nth(1), rows(page).nth(2)];
    await expect(newest.getByTestId('audit-action-words')).toHaveText('Created a story');
    await expect(newest.getByRole('link', { name: `Story ${madeId}` })).toHaveAttribute('href', `/stories/${madeId}`);
    await expect(newest.getByTestId('audit-outcome')).toHaveText('OK');
    await expect(newest).toContainText('Operator (token)');
    await expect(middle.getByTestId('audit-action-words')).toHaveText('Deleted a story');
    await expect(middle.getByRole('link', { name: `Story ${deleted.id}` })).toBeVisible();
    await expect(middle.getByTestId('audit-outcome')).toHaveText('OK');
    await expect(oldest.getByTestId('audit-outcome')).toHaveText('404 not found');

    // The filter, in the URL; the story's link leads to its page.
    await page.getByLabel('Action').selectOption({ label: 'Deleted a story' });
    await expect(page).toHaveURL(/\/audit\?action=delete$/);
    await expect(rows(page)).toHaveCount(2);
    await expect(page.getByTestId('audit-action-words')).toHaveText(['Deleted a story', 'Deleted a story']);
    await expect(page.getByTestId('audit-older')).toHaveAttribute('aria-disabled', 'true');
    // The notices of the delete and the create are done with: the screenshots show the screen.
    const dismiss = page.getByRole('button', { name: 'Dismiss notice' });
    // A notice may leave by itself between the count and the click (a CI run waited 90 s on one): then there is none to click.
    while ((await dismiss.count()) > 0)
      await dismiss
        .first()
        .click({ timeout: 1000 })
        .catch(() => undefined);

    await inEveryLook(page, async ({ width, scheme }) => {
      expect(await axeViolations(page)).toEqual([]);
      await expectNoHorizontalOverflow(page);
      await screenshot(page, testInfo, `audit-${width}-${scheme}`, true);
    });

    await page.setViewportSize({ width: 1280, height: 900 });
    await page.getByLabel('Action').selectOption({ label: 'All actions' });
    await expect(rows(page)).toHaveCount(3);
    await rows(page)
      .nth(0)
      .getByRole('link', { name: `Story ${madeId}` })
      .click();
    await expect(page.getByRole('heading', { name: made, level: 1 })).toBeVisible();
  });
});
