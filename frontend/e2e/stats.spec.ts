import { readFileSync } from 'node:fs';
import {
  chart,
  chartSums,
  createStory,
  expect,
  figure,
  generator,
  inEveryLook,
  liveIndicator,
  poll,
  sampleFrom,
  screenshot,
  storyDone,
  storyRow,
  test,
  uniqueTitle,
} from './fixtures';

test.describe('stats screen', () => {
  test('connects, shows the chart of the latest 20 seconds and the database mode', async ({ page }) => {
    await page.goto('/');
    await expect(page).toHaveURL(/\/stats$/);
    await expect(page.getByRole('heading', { name: 'Live statistics' })).toBeVisible();
    await expect(liveIndicator(page)).toBeVisible();
    await expect(chart(page)).toBeVisible();
    // The canvas itself (its placeholder, with the same name, gives way to it when Chart.js has loaded).
    const canvas = page.getByTestId('stats-chart');
    await expect(canvas).toBeVisible();
    const box = await canvas.boundingBox();
    expect(box?.width).toBeGreaterThan(200);
    expect(box?.height).toBeGreaterThan(100);
    await expect(page.getByRole('heading', { name: 'Latest 20 seconds' })).toBeVisible();
    await expect(page.getByRole('heading', { level: 3, name: 'Stories per second' })).toBeVisible();
    await expect(page.getByRole('heading', { level: 3, name: /^Story latency/ })).toBeVisible();
    await expect(page.getByTestId('latency-chart')).toBeVisible();
    await expect(page.getByRole('group', { name: 'Time range' }).getByRole('button', { name: '20 s' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    const { from, to, text } = await chartSums(page);
    expect((to - from + 86_400) % 86_400, `chart spans 20 seconds: ${text}`).toBe(19);
    await expect(page.getByRole('contentinfo')).toHaveText(/^Database: MongoDB/);
    // The generator is a named region after the page's h1 in the outline, not an h2 before it.
    await expect(page.getByRole('heading', { level: 2, name: 'Generator' })).toHaveCount(0);
  });

  test('the generator drives the figures and the chart', async ({ page }) => {
    await page.goto('/stats');
    await expect(liveIndicator(page)).toBeVisible();
    await expect(chart(page)).toBeVisible();
    const before = await chartSums(page);
    const completedBefore = await figure(page, 'figure-completed');

    await generator(page).getByRole('button', { name: 'Start generator' }).click();
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
    // The same seconds' story latency, beside it, and over the range.
    await expect(page.getByTestId('latency-chart')).toHaveAttribute(
      'aria-label',
      /story latency p50 [\d.]+ ms, p95 [\d.]+ ms, p99 [\d.]+ ms over \d+ stories$/,
    );
    await expect(page.getByTestId('range-latency')).toHaveText(
      /Over the range: p50 [\d.,]+ · p95 [\d.,]+ · p99 [\d.,]+ ms, [\d,]+ stor(y|ies)/,
    );
    // It states what the server accepted, next to what its pauses allow.
    await expect(page.getByTestId('generator-state')).toHaveText(/^running · \d+(\.\d)? stories\/s accepted$/);

    await generator(page).getByRole('button', { name: 'Stop generator' }).click();
    await expect(generator(page).getByRole('button', { name: 'Start generator' })).toBeVisible();
    await poll(() => figure(page, 'generator-in-flight'), 'generator idle').toBe(0);
  });

  test('switches to the server history of 15 minutes and 1 hour, and exports the range', async ({ page }, testInfo) => {
    await page.goto('/stats');
    await expect(liveIndicator(page)).toBeVisible();
    const range = page.getByRole('group', { name: 'Time range' });

    const history = page.waitForResponse((r) => r.url().includes('/api/stats/history?range=15m'));
    await range.getByRole('button', { name: '15 min' }).click();
    expect((await history).status()).toBe(200);
    await expect(range.getByRole('button', { name: '15 min' })).toHaveAttribute('aria-pressed', 'true');
    await expect(page.getByRole('heading', { name: /Last 15 minutes \(5-second steps\)/ })).toBeVisible();
    // 15 minutes of 5-second buckets; the server has not run that long, so the chart says where it has no data.
    await poll(async () => (await chartSums(page)).text, 'history drawn').toMatch(/gaps? without data$/);
    const { from, to } = await chartSums(page);
    expect((to - from + 86_400) % 86_400).toBeGreaterThan(14 * 60);

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^storyflow-stats-15m-.*\.csv$/);
    const csv = readFileSync(await file.path(), 'utf8');
    expect(csv.split('\n')[0]).toBe(
      't,producedPerSec,completedPerSec,open,completed,poolSize,busyWorkers,backlogTasks,paused,tasksDonePerSec,oldestOpenAgeSec,latencyCount,latencyP50Ms,latencyP95Ms,latencyP99Ms,slowStories,slowWaitingMs,slowRunningMs,slowCommittingMs',
    );
    expect(csv.trim().split('\n').length).toBeGreaterThan(1);

    await range.getByRole('button', { name: '1 h' }).click();
    await expect(page.getByRole('heading', { name: /Last hour \(15-second steps\)/ })).toBeVisible();
    await screenshot(page, testInfo, 'stats-1h-1280-light');
    // The ranges of days come from the rollups: asked for and titled with their steps; the buttons fit a phone.
    const week = page.waitForResponse((r) => r.url().includes('/api/stats/history?range=7d'));
    await range.getByRole('button', { name: '7 d' }).click();
    expect((await week).status()).toBe(200);
    await expect(page.getByRole('heading', { name: /Last 7 days \(30-minute steps\)/ })).toBeVisible();
    await inEveryLook(page, async ({ width, scheme }) => {
      const box = (await range.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(width);
      await screenshot(page, testInfo, `stats-7d-${width}-${scheme}`);
    });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.emulateMedia({ colorScheme: 'light' });
    await range.getByRole('button', { name: '1 min' }).click();
    await poll(async () => {
      const s = await chartSums(page);
      return (s.to - s.from + 86_400) % 86_400;
    }, 'back to the live minute').toBe(59);
    await range.getByRole('button', { name: '20 s' }).click();
    await poll(async () => {
      const s = await chartSums(page);
      return (s.to - s.from + 86_400) % 86_400;
    }, 'back to the latest 20 seconds').toBe(19);
  });

  test.describe('with a backend of its own', () => {
    // Pausing stops the whole server: no other test may share it.
    test.use({ ownBackend: true });

    test('an operator pauses processing: every screen says so, stories wait, Resume lets them finish', async ({ page, request }) => {
      await page.goto('/stats');
      await expect(liveIndicator(page)).toBeVisible();
      const pause = page.getByRole('button', { name: 'Pause processing' });
      await pause.click();
      const paused = page.getByTestId('paused-banner');
      await expect(paused).toContainText(/Paused since \d\d:\d\d:\d\d/);
      // The button pressed stays where it was (the pill sits in the header), now offering the opposite.
      await expect(page.getByRole('button', { name: 'Resume processing' }).last()).toBeVisible();

      const title = uniqueTitle('waits while paused');
      const story = await createStory(request, { title, tasks: [{ estimate: 10 }, { estimate: 10 }] });
      await page.getByRole('link', { name: 'Stories', exact: true }).click();
      const row = storyRow(page, title);
      await expect(row.getByTestId('story-status')).toHaveText('Open');
      await expect(paused).toBeVisible();
      // The figures of a second read a second after the story was queued: a running pool would have run its two
      // 10 ms tasks by then; paused, both wait in the backlog and no worker is busy.
      expect(await sampleFrom(request, Date.parse(story.createdAt))).toMatchObject({ paused: true, backlogTasks: 2, busyWorkers: 0 });
      await expect(row.getByTestId('story-status')).toHaveText('Open');
      await expect(row.getByTestId('story-progress')).toHaveText('0/2');

      await paused.getByRole('button', { name: /^Resume/ }).click();
      await expect(paused).toHaveCount(0);
      await expect(row.getByTestId('story-status')).toHaveText('Done');
      await storyDone(request, story.id);
    });
  });
});
