import { createStory, expect, generator, liveIndicator, storyDone, storyRow, test, uniqueTitle, screenshot } from './fixtures';

const OPERATOR = 'operator-token-for-e2e-0123456789';
const VIEWER = 'viewer-token-for-e2e-0123456789';

test.describe('with API_TOKEN and VIEW_TOKEN set', () => {
  test.use({
    ownBackend: true,
    backendEnv: { API_TOKEN: OPERATOR, VIEW_TOKEN: VIEWER },
    // Until a token is entered the server answers 401, and the browser logs each refused request.
    allowedBrowserErrors: /401 \(Unauthorized\)|status of 401/,
  });

  test('asks for a token, refuses a wrong one, hides changes from a viewer, and forgets it', async ({ page, request }, testInfo) => {
    const title = uniqueTitle('guarded');
    const auth = { Authorization: `Bearer ${OPERATOR}` };
    const created = await request.post('/api/stories', { data: { title, tasks: [{ estimate: 10 }] }, headers: auth });
    expect(created.status()).toBe(201);

    await page.goto('/stories');
    const dialog = page.getByRole('dialog', { name: 'Token required' });
    await expect(dialog).toBeVisible();
    const field = dialog.getByLabel('Access token');
    await expect(field).toBeFocused();
    await field.fill('not-the-right-token-000000');
    await field.press('Enter');
    await expect(dialog.getByRole('alert')).toHaveText('This token is not valid.');
    await expect(field).toHaveAttribute('aria-invalid', 'true');
    await expect(field).toBeFocused();
    await screenshot(page, testInfo, 'token-wrong-1280-light');

    // Escape closes it; the banner offers it again.
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    const banner = page.getByTestId('token-banner');
    await expect(banner).toContainText('This server needs a viewer or operator token.');
    await banner.getByRole('button', { name: 'Enter token' }).click();
    await dialog.getByLabel('Access token').fill(VIEWER);
    await dialog.getByRole('button', { name: 'Use token' }).click();
    await expect(dialog).toBeHidden();

    // A viewer sees the stories (REST and the socket carry the token) but nothing that changes them.
    await expect(page.getByTestId('role')).toHaveText('Viewer');
    await expect(storyRow(page, title)).toBeVisible();
    await expect(page.getByRole('button', { name: /^Delete/ })).toHaveCount(0);
    await expect(page.getByRole('checkbox')).toHaveCount(0);
    await expect(page.getByRole('heading', { name: 'New story' })).toHaveCount(0);
    await expect(generator(page)).toHaveCount(0);
    await expect(page.getByTestId('operator-note')).toContainText('need the operator token');
    await page.getByRole('link', { name: 'Stats', exact: true }).click();
    await expect(liveIndicator(page)).toBeVisible();
    await expect(page.getByRole('button', { name: 'Pause processing' })).toHaveCount(0);
    await screenshot(page, testInfo, 'viewer-stats-1280-light');

    // The token survives a reload of the tab (sessionStorage).
    await page.reload();
    await expect(page.getByTestId('role')).toHaveText('Viewer');

    // The operator token unlocks the controls; the socket reconnects with it.
    await page.getByTestId('operator-note').getByRole('button', { name: 'Enter operator token' }).click();
    const operatorDialog = page.getByRole('dialog', { name: 'Operator token' });
    await operatorDialog.getByLabel('Access token').fill(OPERATOR);
    await operatorDialog.getByLabel('Access token').press('Enter');
    await expect(page.getByTestId('role')).toHaveText('Operator');
    await expect(generator(page)).toBeVisible();
    await expect(page.getByRole('button', { name: 'Pause processing' })).toBeVisible();
    await expect(liveIndicator(page)).toBeVisible();
    const story = await createStory(request, { tasks: [{ estimate: 10 }] }).catch(() => null);
    expect(story, 'the test request itself carries no token').toBeNull();

    await page.getByRole('button', { name: 'Forget token' }).click();
    await expect(page.getByRole('dialog', { name: 'Token required' })).toBeVisible();
    expect(await page.evaluate(() => sessionStorage.getItem('storyflow.token'))).toBeNull();
  });
});

test.describe('with API_TOKEN set and reads open', () => {
  test.use({ ownBackend: true, backendEnv: { API_TOKEN: OPERATOR } });

  test('a visitor without a token is a viewer: no prompt, no controls, a way to become operator', async ({ page, request }) => {
    const title = uniqueTitle('open reads');
    const res = await request.post('/api/stories', {
      data: { title, tasks: [{ estimate: 10 }] },
      headers: { Authorization: `Bearer ${OPERATOR}` },
    });
    await storyDone(request, ((await res.json()) as { id: string }).id);
    await page.goto('/stories');
    await expect(storyRow(page, title)).toBeVisible();
    await expect(page.getByRole('dialog')).toHaveCount(0);
    await expect(page.getByTestId('role')).toHaveText('Viewer');
    await expect(storyRow(page, title).getByRole('button')).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Enter operator token' }).first()).toBeVisible();
  });
});
