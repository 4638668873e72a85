import { gzipSync } from 'node:zlib';
import type { BrowserContext } from 'playwright-core';
import { sleep } from './wait.js';

/**
 * How much JavaScript a browser fetches before a screen's heading shows, gzipped: every script response
 * (lazy chunks and a Web Worker's too) that finished before the screen's first `<h1>` was in the page
 * and laid out, both times by the browser's clock; and what came in the 3 s after (preloading). Use a
 * fresh context per screen: nothing cached.
 */
export interface ScreenWeight {
  /** gzipped KB (1,000 bytes) of JavaScript finished before the heading showed. */
  jsGzipKb: number;
  files: string[];
  /** Fetched within 3 s after the heading (preloading), by file. */
  afterwards: string[];
}

/** In the page, from its first script on: when the first `<h1>` is in the document and laid out (epoch ms). */
const HEADING_WATCH = `
  new MutationObserver((_, observer) => {
    const h1 = document.querySelector('h1');
    if (!h1 || h1.getBoundingClientRect().height === 0) return;
    window.__headingAt = performance.timeOrigin + performance.now();
    observer.disconnect();
  }).observe(document, { childList: true, subtree: true });
`;

export async function weighScreen(context: BrowserContext, url: string): Promise<ScreenWeight> {
  const page = await context.newPage();
  await page.addInitScript(HEADING_WATCH);
  const scripts: { file: string; endedAt: number; gzipBytes: Promise<number> }[] = [];
  context.on('requestfinished', (request) => {
    const file = new URL(request.url()).pathname;
    if (!file.endsWith('.js') && !file.endsWith('.mjs')) return;
    const timing = request.timing();
    const gzipBytes = request.response().then(async (res) => (res ? gzipSync(await res.body()).length : 0));
    scripts.push({ file, endedAt: timing.startTime + timing.responseEnd, gzipBytes });
  });
  await page.goto(url);
  await page.locator('h1').first().waitFor({ state: 'visible' });
  await sleep(3000);
  const headingAt = await page.evaluate(() => (globalThis as unknown as { __headingAt: number }).__headingAt);
  const before = scripts.filter((s) => s.endedAt <= headingAt);
  const bytes = (await Promise.all(before.map((s) => s.gzipBytes))).reduce((a, b) => a + b, 0);
  await page.close();
  return {
    jsGzipKb: Math.round(bytes / 100) / 10,
    files: before.map((s) => s.file),
    afterwards: scripts.filter((s) => s.endedAt > headingAt).map((s) => s.file),
  };
}
