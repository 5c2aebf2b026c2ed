import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from '@playwright/test';
import { expect } from './fixtures';
import { checkUntil, nav } from './helpers';

/**
 * Sandbox options for a spec that sends and then reads the responses. The sandbox writes only what
 * has happened by the time of its export, and a send's opens and clicks keep coming for weeks of
 * its timeline: at 3600 (an hour a second) that is minutes of real time, so every export rewrote
 * the day's files while the spec pulled them (a file could change between the listing and its
 * download, a later step could find data an earlier one had not). A million-fold timeline puts the
 * whole of it, up to the server's 30 days, into the three seconds after the upload: from then on
 * every export is the same. Who opens and clicks is unchanged (seeded), only the times shrink.
 * The Vitest integration tests use the same scale.
 */
export const SANDBOX_RESPONSES_AT_ONCE = { sandbox: true, sandboxInterval: 1, sandboxExportInterval: 2, sandboxTimeScale: 1_000_000 } as const;

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

/** "Pull now" and the status line of a finished pull, in English and German. */
const PULL_BUTTON = /^(Pull now|Jetzt abrufen)$/;
const PULLED = /^(Pulled \d+ files?:|\d+ Dateien? abgerufen:)/;
/** A pull that rejected no file: every file it listed is in the database as the server had it. */
const NONE_REJECTED = /, 0 (rejected|abgelehnt)\.$/;

/**
 * Pulls on the Responses screen until `ready` passes, and fails with a message that names `what`
 * was missing. For a step that uses response data the sandbox adds over time: `ready` checks
 * exactly what the next step reads (it may navigate; keep its own timeouts short, a pull follows).
 * Each round is one complete pull that rejected no file, so `ready` sees a consistent database.
 */
export async function pullUntil(page: Page, what: string, ready: () => Promise<void>, timeoutMs = 60_000): Promise<void> {
  const base = page.url().split('#')[0];
  await expect(async () => {
    await page.goto(`${base}#/responses`);
    await page.getByRole('button', { name: PULL_BUTTON }).click();
    const status = page.getByRole('status').filter({ hasText: PULLED });
    await expect(status).toBeVisible({ timeout: 15_000 });
    // The summary line (the callout also holds the per-file list).
    await expect(status.locator('p').first(), 'a file changed on the server while it was pulled').toHaveText(NONE_REJECTED, { timeout: 1_000 });
    await ready();
  }, `after pulling for ${timeoutMs / 1000} s the responses still lack ${what}`).toPass({ timeout: timeoutMs, intervals: [1_000, 2_000] });
}

/** A count KPI card's number (digits only: "1,234" and "1.234" both read 1234). */
export async function kpiCount(report: Locator, key: string): Promise<number> {
  const value = report.getByTestId(`kpi-${key}`);
  await expect(value).toHaveText(/\d/, { timeout: 5_000 });
  return Number((await value.textContent())!.replace(/\D/g, ''));
}

/**
 * Pulls until the report of `mailingId` shows each KPI at least at its minimum (e.g.
 * `{ uniqueClickers: 2 }` before a step that filters the clicks by one recipient); answers the
 * report region, open on the screen. The failure names the KPIs and what they showed.
 */
export async function pullUntilKpis(page: Page, mailingId: string, atLeast: Readonly<Record<string, number>>, timeoutMs = 60_000): Promise<Locator> {
  const base = page.url().split('#')[0];
  const report = page.getByRole('region', { name: new RegExp(`^(KPIs of mailing|Kennzahlen von Mailing) ${mailingId}$`) });
  const wanted = Object.entries(atLeast)
    .map(([k, n]) => `${k} ≥ ${n}`)
    .join(', ');
  await pullUntil(
    page,
    `${wanted} for mailing ${mailingId}`,
    async () => {
      await page.goto(`${base}#/responses/report/${mailingId}`);
      const shown: Record<string, number> = {};
      for (const key of Object.keys(atLeast)) shown[key] = await kpiCount(report, key);
      const seen = Object.entries(shown)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ');
      expect(
        Object.entries(atLeast).filter(([key, min]) => shown[key]! < min),
        `KPIs of mailing ${mailingId}: ${seen}; the next step needs ${wanted}`,
      ).toEqual([]);
    },
    timeoutMs,
  );
  return report;
}
