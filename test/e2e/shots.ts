import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { SCREENSHOT_DIR } from './fixtures';

/** The two window sizes operators use most: a desktop monitor and a small laptop. */
export const SHOT_SIZES = [
  { width: 1440, height: 900 },
  { width: 1024, height: 700 },
] as const;

/**
 * Screenshots of what the operator sees, in light and dark and at both {@link SHOT_SIZES}:
 * `test-results/screenshots/<name>-<light|dark>-<w>x<h>.png`. With `focus`, that element is
 * scrolled into view first, so the shot shows the part of the screen the test is about.
 * The page's own viewport and colour scheme are restored afterwards.
 */
export async function shootBoth(page: Page, name: string, focus?: Locator): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const before = page.viewportSize() ?? { width: 1280, height: 860 };
  try {
    for (const size of SHOT_SIZES) {
      await page.setViewportSize(size);
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        // Charts and grids pick up the theme on the next frame.
        await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
        if (focus) await focus.scrollIntoViewIfNeeded();
        await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-${scheme}-${size.width}x${size.height}.png`), animations: 'disabled', caret: 'hide' });
      }
    }
  } finally {
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize(before);
  }
}

/** `test-results/screenshots/i18n-<name>-<lang>-<light|dark>.png` at the page's size, light then dark (the scheme is light again afterwards). */
export async function shootLanguage(page: Page, name: string, lang: 'en' | 'de'): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await page.screenshot({ path: join(SCREENSHOT_DIR, `i18n-${name}-${lang}-${scheme}.png`), animations: 'disabled', caret: 'hide' });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}
