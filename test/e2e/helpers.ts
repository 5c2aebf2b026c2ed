import { readFileSync } from 'node:fs';
import type { Locator, Page } from '@playwright/test';
import { expect, MAIN_NAV } from './fixtures';

/** A link of the main navigation by its label (either language). */
export const nav = (page: Page, name: string): Locator => page.getByRole('navigation', { name: MAIN_NAV }).getByRole('link', { name: new RegExp(`^${name}\\b`) });

/** Drops a file on a drop zone the way a file manager would (a DataTransfer with a File). */
export async function dropFile(page: Page, zone: Locator, path: string, name: string): Promise<void> {
  const text = readFileSync(path, 'utf8');
  const dataTransfer = await page.evaluateHandle(
    ({ text, name }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], name, { type: 'text/csv' }));
      return dt;
    },
    { text, name },
  );
  await zone.dispatchEvent('drop', { dataTransfer });
}

/**
 * Presses "Check now" (`checkNow`: its label in the window's language) until the detail panel
 * shows `text` (the poll interval of the profile is minutes).
 */
export async function checkUntil(page: Page, detail: Locator, text: RegExp | string, timeoutMs = 25_000, checkNow = 'Check now'): Promise<void> {
  await expect(async () => {
    await detail.getByRole('button', { name: checkNow }).click();
    await expect(detail.getByRole('button', { name: checkNow })).toBeEnabled();
    await expect(detail.getByTestId('send-state')).toHaveText(text, { timeout: 1_500 });
  }).toPass({ timeout: timeoutMs, intervals: [500, 1000] });
}
