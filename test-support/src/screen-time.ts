import type { Browser } from 'playwright-core';
import { percentile } from './stats.js';

/**
 * Time to live of the dashboard's screens on a phone: what the bench's `screens` scenario reports and the
 * e2e guard bounds (one code for both).
 *
 * The profile is Lighthouse's mobile one, applied through the DevTools protocol: 150 ms round trip,
 * 1.6 Mbps down, 750 kbps up, the CPU slowed 4×, in a fresh browser context with its cache disabled.
 */
export interface NetworkProfile {
  /** Added to every request's round trip (ms). */
  latencyMs: number;
  /** Bits per second. */
  downloadBps: number;
  uploadBps: number;
  /** Emulation.setCPUThrottlingRate: 4 = four times slower. */
  cpuSlowdown: number;
}

export const PHONE_PROFILE: NetworkProfile = { latencyMs: 150, downloadBps: 1_600_000, uploadBps: 750_000, cpuSlowdown: 4 };

/** A phone's screen (the stories screen then folds its form, as it does there). */
const PHONE_VIEWPORT = { viewport: { width: 412, height: 823 }, deviceScaleFactor: 1.75, isMobile: true, hasTouch: true };

export type ScreenName = 'stats' | 'stories';
export const SCREEN_PATHS: Record<ScreenName, string> = { stats: '/stats', stories: '/stories' };

/**
 * When each screen is live, checked in the page on every animation frame (plain JavaScript: it runs in the
 * browser). Stats: the connection indicator says live, the four figures have values and Chart.js has
 * drawn the throughput chart (it sizes the canvas's style as it draws). Stories: a row of the first page
 * is shown. By the dashboard's test ids (frontend/src/app/stats/stats-page.html, stories/list/story-list.html).
 */
const LIVE_CHECKS: Record<ScreenName, string> = {
  stats: `() => {
    const shown = (el) => !!el && el.getClientRects().length > 0;
    const connection = document.querySelector('[data-testid="connection"]');
    if (!connection || connection.textContent.trim() !== 'live') return false;
    const figures = document.querySelectorAll('[data-testid^="figure-"]');
    if (figures.length < 4 || [...figures].some((f) => /^\\s*[–-]?\\s*$/.test(f.textContent))) return false;
    const chart = document.querySelector('canvas[data-testid="stats-chart"]');
    return !!chart && chart.style.height !== '' && shown(connection) && shown(chart);
  }`,
  stories: `() => {
    const row = document.querySelector('[data-testid="story-row"]');
    return !!row && row.getClientRects().length > 0;
  }`,
};

/** Records in the page, from its first script on, when the screen's check first holds (ms since navigation start). */
const watchScript = (check: string) => `
  (() => {
    const live = ${check};
    const look = () => {
      let ok = false;
      try { ok = live(); } catch {}
      if (ok) window.__storyflowLiveAt = performance.now();
      else requestAnimationFrame(look);
    };
    requestAnimationFrame(look);
  })();
`;

/** In the page or a worker: each response so far (path, encoded body bytes, end in ms since its time origin, coding). */
const RESOURCES = `(() => [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')].map((e) => ({
  path: new URL(e.name).pathname,
  bytes: e.encodedBodySize,
  endMs: e.responseEnd,
  encoding: e.contentEncoding || '',
})))()`;

export interface ScreenLoad {
  /** From navigation start to live, by the page's clock. */
  ms: number;
  /** Encoded (as sent: compressed where it was) response bodies finished by then, every resource incl. the Web Worker's. */
  bytes: number;
  /** The same, for every response within `settleMs` after live (other screens preloaded meanwhile, …). */
  bytesTotal: number;
  /** Each response: path, encoded body bytes, when it finished (ms since navigation start), Content-Encoding ('' when unknown or none). */
  responses: { path: string; bytes: number; endMs: number; encoding: string }[];
}

type Responses = ScreenLoad['responses'];

export interface TimeScreenOptions {
  profile?: NetworkProfile;
  /** Give up after this long (default 30 s). */
  timeoutMs?: number;
  /** After live, keep counting responses for this long (default 0: only up to live). */
  settleMs?: number;
}

/** One load of `base` + the screen's path in a fresh context (nothing cached) under `profile`. */
export async function timeScreen(browser: Browser, base: string, screen: ScreenName, options: TimeScreenOptions = {}): Promise<ScreenLoad> {
  const { profile = PHONE_PROFILE, timeoutMs = 30_000, settleMs = 0 } = options;
  const context = await browser.newContext(PHONE_VIEWPORT);
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: profile.latencyMs,
      downloadThroughput: profile.downloadBps / 8,
      uploadThroughput: profile.uploadBps / 8,
    });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: profile.cpuSlowdown });
    await page.addInitScript(watchScript(LIVE_CHECKS[screen]));

    await page.goto(`${base}${SCREEN_PATHS[screen]}`, { waitUntil: 'commit', timeout: timeoutMs });
    const handle = await page.waitForFunction(
      () => (globalThis as unknown as { __storyflowLiveAt?: number }).__storyflowLiveAt ?? false,
      undefined,
      { timeout: timeoutMs, polling: 100 },
    );
    const ms = Math.round((await handle.jsonValue()) as number);
    if (settleMs > 0) await page.waitForTimeout(settleMs);
    // The browser's own account (Resource Timing): the page's requests, the document's and its Web Worker's
    // script among them; and whatever the worker fetched itself, on its clock (its own time origin).
    const pageOrigin = await page.evaluate(() => performance.timeOrigin);
    const responses = [
      ...(await page.evaluate<Responses>(RESOURCES)),
      ...(
        await Promise.all(
          page.workers().map(async (worker) => {
            const origin = await worker.evaluate(() => performance.timeOrigin);
            return (await worker.evaluate<Responses>(RESOURCES)).map((r) => ({ ...r, endMs: r.endMs + origin - pageOrigin }));
          }),
        )
      ).flat(),
    ]
      .map((r) => ({ ...r, endMs: Math.round(r.endMs) }))
      .sort((a, b) => a.endMs - b.endMs);
    const sum = (rs: typeof responses) => rs.reduce((n, r) => n + r.bytes, 0);
    return { ms, bytes: sum(responses.filter((r) => r.endMs <= ms)), bytesTotal: sum(responses), responses };
  } finally {
    await context.close();
  }
}

export interface ScreenTime {
  /** Median of the runs' time to live. */
  ms: number;
  /** Median of the runs' bytes finished by live. */
  bytes: number;
  runs: ScreenLoad[];
}

/**
 * The median of `runs` loads (each in a fresh context). `before` runs before each load (e.g. making sure the
 * stories screen has stories to show).
 */
export async function timeScreenMedian(
  browser: Browser,
  base: string,
  screen: ScreenName,
  options: TimeScreenOptions & { runs?: number; before?: () => Promise<void> } = {},
): Promise<ScreenTime> {
  const { runs: count = 3, before, ...rest } = options;
  const runs: ScreenLoad[] = [];
  for (let i = 0; i < count; i++) {
    await before?.();
    runs.push(await timeScreen(browser, base, screen, rest));
  }
  const median = (xs: number[]) => percentile(xs, 50) ?? NaN;
  return { ms: median(runs.map((r) => r.ms)), bytes: median(runs.map((r) => r.bytes)), runs };
}
