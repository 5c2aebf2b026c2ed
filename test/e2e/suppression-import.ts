import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect } from './fixtures';

/** The words of the Suppression list tab this walk clicks, per language. */
const WORDS = {
  de: { tab: 'Sperrliste', file: 'Zu importierende Datei', reason: 'Grund für diese Adressen', button: 'Adressen importieren', why: 'Abmeldung per Telefon' },
  en: { tab: 'Suppression list', file: 'File to import', reason: 'Reason for these addresses', button: 'Import addresses', why: 'Unsubscribed by phone' },
} as const;

/**
 * An operator imports addresses on the Responses screen's Suppression list tab (as
 * `<dir>/unsubscribed.csv`, reason "unsubscribed by phone"), in the window's language, and sees
 * the import confirmed.
 */
export async function importSuppressionOnScreen(page: Page, hostUrl: string, lang: 'en' | 'de', dir: string, addresses: readonly string[]): Promise<void> {
  const w = WORDS[lang];
  await page.goto(`${hostUrl}#/responses`);
  await page.getByRole('tab', { name: w.tab }).click();
  const file = join(dir, 'unsubscribed.csv');
  writeFileSync(file, `Email\n${addresses.join('\n')}\n`);
  await page.getByLabel(w.file).setInputFiles(file);
  await page.getByLabel(w.reason).fill(w.why);
  await page.getByRole('button', { name: w.button }).click();
  await expect(page.getByRole('status').filter({ hasText: 'unsubscribed.csv' })).toBeVisible();
}
