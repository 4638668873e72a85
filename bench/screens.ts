/** The screens' weight for the benchmark: each in a fresh Chromium context (see test-support's weighScreen). */
import { chromium } from 'playwright-core';
import { chromiumLaunchOptions, requireChromium, weighScreen, type ScreenWeight } from '@storyflow/test-support';

export const SCREENS = ['/stats', '/stories'] as const;

/** Each screen's weight, loaded from `base` (a server that serves the built dashboard). */
export async function screenWeights(base: string): Promise<Record<string, ScreenWeight>> {
  requireChromium();
  const browser = await chromium.launch(chromiumLaunchOptions());
  try {
    const out: Record<string, ScreenWeight> = {};
    for (const screen of SCREENS) {
      const context = await browser.newContext();
      out[screen] = await weighScreen(context, `${base}${screen}`);
      await context.close();
    }
    return out;
  } finally {
    await browser.close();
  }
}
