import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { expect } from './fixtures';
import { nav } from './helpers';

/** A fixture file of test/fixtures/e2e. */
export const e2eFixture = (name: string): string => fileURLToPath(new URL(`../fixtures/e2e/${name}`, import.meta.url));

/** Writes a text file (UTF-8) and answers its path. */
export function writeText(path: string, lines: readonly string[]): string {
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/**
 * New send on the sandbox: picks "Weekly newsletter", chooses the file and goes through the
 * mapping to the Check step (the check runs by itself there). Answers the source mailing ID.
 */
export async function openCheckStep(page: Page, file: string): Promise<string> {
  await nav(page, 'New send').click();
  await expect(page.getByLabel('Connection', { exact: true })).toHaveValue('Sandbox');
  const mailing = page.getByLabel('Source mailing', { exact: true });
  await mailing.selectOption({ label: (await mailing.locator('option', { hasText: 'Weekly newsletter' }).textContent())! });
  const sourceId = await mailing.inputValue();
  await page.getByLabel('Choose a recipient file', { exact: true }).setInputFiles(file);
  await page.getByRole('button', { name: 'Continue to mapping' }).click();
  await page.getByRole('button', { name: 'Continue to check' }).click();
  await expect(page.getByTestId('count-rows')).toBeVisible();
  return sourceId;
}

/** A desktop notification the page showed. */
export interface ShownNotification {
  readonly title: string;
  readonly body?: string;
}

/**
 * Allows desktop notifications for the host at `hostUrl` and notes each one the page shows (the
 * real one is still made), then reloads the page so the recorder is in place. Answers a reader of
 * the notifications shown so far.
 */
export async function recordNotifications(page: Page, hostUrl: string): Promise<() => Promise<ShownNotification[]>> {
  await page.context().grantPermissions(['notifications'], { origin: new URL(hostUrl).origin });
  await page.addInitScript(() => {
    const Real = window.Notification;
    const shown: { title: string; body?: string }[] = [];
    (window as unknown as { shownNotifications: typeof shown }).shownNotifications = shown;
    window.Notification = class extends Real {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options);
        shown.push({ title, body: options?.body });
      }
    } as typeof Notification;
  });
  await page.reload();
  return () => page.evaluate(() => (window as unknown as { shownNotifications: ShownNotification[] }).shownNotifications);
}
