import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { expect } from './fixtures';
import { checkUntil, nav } from './helpers';

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

/** Waits until the send on screen is "Sent" (pressing "Check now") and answers its mailing ID. */
export async function sentMailingId(page: Page): Promise<string> {
  const detail = page.getByRole('region', { name: /^Send \d{8}-[0-9a-f]+$/ });
  await checkUntil(page, detail, 'Sent');
  return (await detail.getByTestId('mailing-id').textContent())!.trim();
}

/** On the Send step: "Send for real…", then "Send now" in the confirmation. */
export async function confirmSendNow(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Send for real…' }).click();
  await page.getByRole('dialog', { name: 'Send for real?' }).getByRole('button', { name: 'Send now' }).click();
}

/** On the Send step: sends for real, now; waits for "Sent" and answers the mailing ID. */
export async function sendNow(page: Page): Promise<string> {
  await confirmSendNow(page);
  return sentMailingId(page);
}

/** On the Responses screen: presses "Pull now" until each of `mailingIds` has its row in the mailings table. */
export async function pullUntilListed(page: Page, mailingIds: readonly string[], timeoutMs = 30_000): Promise<void> {
  const mailings = page.getByRole('table', { name: 'Response mailings' });
  await expect(async () => {
    await page.getByRole('button', { name: 'Pull now' }).click();
    await expect(page.getByRole('status').filter({ hasText: /^Pulled \d+ files?:/ })).toBeVisible({ timeout: 5_000 });
    for (const id of mailingIds) await expect(mailings.getByRole('row', { name: new RegExp(id) })).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: timeoutMs, intervals: [1_000, 2_000] });
}
