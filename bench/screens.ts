/**
 * How much JavaScript a browser fetches before a screen's heading shows, gzipped: each screen loaded in
 * a fresh Chromium context (nothing cached), every script response counted (lazy chunks and the Web
 * Worker's too) that finished before the screen's `<h1>` was visible. Also what arrives in the few
 * seconds after (routes preloaded once the screen is idle).
 */
import { gzipSync } from 'node:zlib';
import { chromium, type BrowserContext } from 'playwright-core';
import { chromiumLaunchOptions, requireChromium, sleep } from '@storyflow/test-support';

export const SCREENS = ['/stats', '/stories'] as const;

export interface ScreenWeight {
  /** gzipped KB (1,000 bytes) of JavaScript finished before the heading showed. */
  jsGzipKb: number;
  files: string[];
  /** Fetched within 3 s after the heading (preloading), by file. */
  afterwards: string[];
}

async function weigh(context: BrowserContext, url: string): Promise<ScreenWeight> {
  const page = await context.newPage();
  const scripts: { file: string; at: number; gzipBytes: Promise<number> }[] = [];
  context.on('requestfinished', (request) => {
    const file = new URL(request.url()).pathname;
    if (!file.endsWith('.js') && !file.endsWith('.mjs')) return;
    const gzipBytes = request.response().then(async (res) => (res ? gzipSync(await res.body()).length : 0));
    scripts.push({ file, at: Date.now(), gzipBytes });
  });
  await page.goto(url);
  await page.locator('h1').first().waitFor({ state: 'visible' });
  const headingAt = Date.now();
  await sleep(3000);
  const before = scripts.filter((s) => s.at <= headingAt);
  const bytes = (await Promise.all(before.map((s) => s.gzipBytes))).reduce((a, b) => a + b, 0);
  await page.close();
  return {
    jsGzipKb: Math.round(bytes / 100) / 10,
    files: before.map((s) => s.file),
    afterwards: scripts.filter((s) => s.at > headingAt).map((s) => s.file),
  };
}

/** Each screen's weight, loaded from `base` (a server that serves the built dashboard). */
export async function screenWeights(base: string): Promise<Record<string, ScreenWeight>> {
  requireChromium();
  const browser = await chromium.launch(chromiumLaunchOptions());
  try {
    const out: Record<string, ScreenWeight> = {};
    for (const screen of SCREENS) {
      const context = await browser.newContext();
      out[screen] = await weigh(context, `${base}${screen}`);
      await context.close();
    }
    return out;
  } finally {
    await browser.close();
  }
}
