/**
 * The `screens` scenario: how long the dashboard's two screens take to be live on a phone (Lighthouse's mobile
 * profile, cold cache; see test-support's screen-time.ts), served by the backend itself (`npm start`'s server,
 * precompressed assets) and by nginx in front of it (nginx.conf, gzip on the fly). Median of 3 runs each, each
 * run in a fresh Chromium context.
 */
import { execFileSync } from 'node:child_process';
import { chromium } from 'playwright-core';
import {
  chromiumLaunchOptions,
  dashboardDir,
  repoRoot,
  requireChromium,
  startNginx,
  timeScreenMedian,
  type ScreenName,
  type ScreenTime,
} from '@storyflow/test-support';

export const SCREENS: readonly ScreenName[] = ['stats', 'stories'];
export const PATHS = ['backend', 'nginx'] as const;
export type ServingPath = (typeof PATHS)[number];

export interface ScreenFigure {
  /** Median time from navigation start to live (ms). */
  ms: number;
  /** Median bytes transferred by then (encoded bodies, every resource incl. the Web Worker's script). */
  bytes: number;
  /** Each run's time to live (ms). */
  runs: number[];
}

/** By path, then screen: `{ backend: { stats: …, stories: … }, nginx: { … } }`. */
export type ScreenTimes = Record<ServingPath, Record<ScreenName, ScreenFigure>>;

/** A few stories for the stories screen's first page: each run shows rows. */
async function seedStories(base: string): Promise<void> {
  for (let i = 0; i < 5; i++) {
    const res = await fetch(`${base}/api/stories`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: `screens ${i}`, tasks: [{ estimate: 10 }, { estimate: 20 }] }),
    });
    if (res.status !== 201) throw new Error(`seeding a story: ${res.status} ${await res.text()}`);
  }
}

const figure = (time: ScreenTime): ScreenFigure => ({ ms: time.ms, bytes: time.bytes, runs: time.runs.map((r) => r.ms) });

/** Both screens through `base` (a running backend serving the built dashboard) and through nginx in front of it. */
/** The dashboard as `npm start` builds it (with its precompressed copies), if this checkout has none yet: before the server starts. */
export function ensureDashboard(): void {
  execFileSync(process.execPath, ['scripts/ensure-frontend-build.mjs'], { cwd: repoRoot, stdio: 'inherit' });
}

export async function screenTimes(base: string): Promise<ScreenTimes> {
  requireChromium();
  const browser = await chromium.launch(chromiumLaunchOptions());
  const nginx = await startNginx({ backend: new URL(base).host, root: dashboardDir });
  try {
    const bases: Record<ServingPath, string> = { backend: base, nginx: nginx.url };
    const out = {} as ScreenTimes;
    for (const path of PATHS) {
      out[path] = {} as Record<ScreenName, ScreenFigure>;
      for (const screen of SCREENS) {
        // Before each run: retention may have purged the Done stories of the run before.
        const before = screen === 'stories' ? () => seedStories(base) : undefined;
        out[path][screen] = figure(await timeScreenMedian(browser, bases[path], screen, { runs: 3, ...(before ? { before } : {}) }));
      }
    }
    return out;
  } finally {
    await nginx.stop();
    await browser.close();
  }
}

/** Markdown table rows: `| screen, path | ms to live (median of 3) | KB transferred |`. */
export function screensRows(result: ScreenTimes): string[] {
  return PATHS.flatMap((path) =>
    SCREENS.map((screen) => {
      const { ms, bytes } = result[path][screen];
      return `| /${screen}, ${path === 'backend' ? 'npm start' : 'nginx'} | ${ms} | ${(bytes / 1000).toFixed(1)} |`;
    }),
  );
}
