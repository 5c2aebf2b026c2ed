import { readFileSync, writeFileSync } from 'node:fs';
import type { Download, Page } from '@playwright/test';
import { expect, screenshot, test } from './fixtures';
import { openCheckStep, pullUntilKpis, pullUntilListed, SANDBOX_RESPONSES_AT_ONCE, sendNow } from './flow-helpers';
import { nav } from './helpers';

/** Enough recipients that the sandbox's 1 % + 1 % soft-bounce rates give some soft bounces (P(none) ≈ 0.02 %). */
const RECIPIENT_COUNT = 400;

function writeRecipients(path: string): void {
  const products = ['P-100', 'P-200', 'P-300'];
  const lines = ['E-Mail;Anrede;Vorname;Nachname;Produkt 1'];
  for (let i = 1; i <= RECIPIENT_COUNT; i++) lines.push(`kunde${String(i).padStart(4, '0')}@example.com;${i % 2 ? 'Frau' : 'Herr'};Vorname${i};Nachname${i};${products[i % 3]}`);
  writeFileSync(path, `${lines.join('\n')}\n`);
}

/** A downloaded Excel file is a real workbook: a zip (`PK`) that holds `xl/workbook.xml`. */
async function expectWorkbook(download: Download): Promise<void> {
  expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
  const bytes = readFileSync((await download.path())!);
  expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');
  expect(bytes.includes(Buffer.from('xl/workbook.xml'))).toBe(true);
}

/** Sends the generated file for real through New send and waits for "Sent"; answers the mailing ID. */
async function sendForReal(page: Page, file: string): Promise<{ mailingId: string; sourceId: string }> {
  const sourceId = await openCheckStep(page, file);
  await expect(page.getByTestId('count-valid')).toHaveText(String(RECIPIENT_COUNT));
  await page.getByRole('button', { name: 'Continue to send' }).click();
  return { mailingId: await sendNow(page), sourceId };
}

test.describe('responses', () => {
  // A send's whole response timeline within seconds of its upload (see SANDBOX_RESPONSES_AT_ONCE).
  test.use(SANDBOX_RESPONSES_AT_ONCE);

  test('pull after a real send, read the KPIs, filter and export the data, resend soft bounces', async ({ app: page }) => {
    // A long walk: on a loaded machine (CI) it took up to 70 s, past the 60 s default.
    test.setTimeout(180_000);
    const recipients = test.info().outputPath('kunden.csv');
    writeRecipients(recipients);
    const { mailingId, sourceId } = await sendForReal(page, recipients);
    expect(mailingId).toMatch(/^\d+$/);

    // Pull until the sandbox's export holds the new mailing (it writes every 2 s).
    await nav(page, 'Responses').click();
    await expect(page.getByRole('heading', { level: 1, name: 'Responses' })).toBeVisible();
    await expect(page.getByLabel('Connection', { exact: true })).toHaveValue('Sandbox');
    const mailings = page.getByRole('table', { name: 'Response mailings' });
    await pullUntilListed(page, [mailingId], 20_000);
    // What the steps below read: nearly every recipient sent, soft bounces (the bounce table and the
    // resend), opens (the charts) and clicks of two recipients at least (the recipient filter narrows).
    await pullUntilKpis(page, mailingId, { sent: RECIPIENT_COUNT * 0.9 + 1, softBounces: 1, uniqueOpens: 1, uniqueClickers: 2 });
    // Back on the Responses screen, one more pull (the data is complete now) to read what happened to each file.
    await nav(page, 'Responses').click();
    await page.getByRole('button', { name: 'Pull now' }).click();
    await expect(page.getByRole('status').filter({ hasText: /^Pulled \d+ files?:/ })).toBeVisible({ timeout: 15_000 });
    await page.getByText('What happened to each file').click();
    await expect(page.getByRole('list', { name: 'Pulled files' }).getByRole('listitem').filter({ hasText: /_clicks\.csv (New|Replaced|Unchanged)/ }).first()).toBeVisible();
    await page.getByText('What happened to each file').click();
    await expect(page.getByRole('list', { name: 'Pulled files' })).toBeHidden();
    const row = mailings.getByRole('row', { name: new RegExp(mailingId) });
    await expect(row).toContainText('found by the mailing ID in the server log');
    await expect(row).toContainText('kunden.csv');
    await expect(row).toContainText('Weekly newsletter');
    await screenshot(page, '40-responses-mailings');

    // The KPIs of the mailing: each value beside its formula, bounces, links and charts.
    await row.getByRole('button', { name: `Show KPIs of mailing ${mailingId}` }).click();
    const report = page.getByRole('region', { name: `KPIs of mailing ${mailingId}` });
    await expect(report).toBeVisible();
    const sent = Number((await report.getByTestId('kpi-sent').textContent())!.replace(/,/g, ''));
    expect(sent).toBeGreaterThan(RECIPIENT_COUNT * 0.9);
    expect(sent).toBeLessThanOrEqual(RECIPIENT_COUNT);
    await expect(report.getByRole('listitem', { name: 'Open rate', exact: true })).toContainText('unique opens / delivered');
    await expect(report.getByTestId('kpi-openRate')).toHaveText(/^\d+(\.\d)?%$/);
    await expect(report.getByRole('table', { name: 'Bounces by category' }).getByRole('row', { name: /Soft bounce/ }).first()).toBeVisible();
    await expect(report.getByRole('table', { name: 'Clicks per link' }).getByRole('row')).not.toHaveCount(1);
    await expect(report.getByRole('figure', { name: 'Opens and clicks over time' }).locator('canvas').first()).toBeVisible();
    // The device, platform and browser bars are HTML, so their names wrap instead of being cut.
    for (const caption of ['Devices: opens and clicks', 'Platforms: opens and clicks', 'Browsers: opens and clicks']) {
      await expect(report.getByRole('figure', { name: caption }).getByTestId('bar-label').first()).toBeVisible();
    }
    await screenshot(page, '41-responses-kpis');

    // The report workbook downloads and is a real Excel file.
    // Written and downloaded in one action.
    let downloadPromise = page.waitForEvent('download');
    await report.getByRole('button', { name: 'Download the Excel report' }).click();
    await expectWorkbook(await downloadPromise);

    // Browse the mailing's clicks: filter and sort in the grid (done in the database), then export what is shown.
    await report.getByRole('link', { name: 'Browse the clicks' }).click();
    const browse = page.getByRole('region', { name: 'Browse response data' });
    await expect(browse.getByLabel('View')).toHaveValue('clicks_with_links');
    await expect(browse.getByLabel('Limit to mailing ID')).toHaveValue(mailingId);
    const count = browse.getByTestId('row-count');
    await expect(count).toHaveText(/^\d+ rows?$/);
    const all = Number((await count.textContent())!.split(' ')[0].replace(/,/g, ''));
    expect(all).toBeGreaterThan(0);
    const grid = browse.getByRole('region', { name: 'Clicks with link name and URL grid' });
    await grid.getByRole('textbox', { name: 'Recipient Filter Input' }).fill('kunde00');
    await expect(async () => {
      const n = Number((await count.textContent())!.split(' ')[0].replace(/,/g, ''));
      expect(n).toBeLessThan(all);
    }).toPass({ timeout: 5_000 });
    const filtered = (await count.textContent())!;
    await grid.getByRole('columnheader', { name: 'Time' }).getByText('Time', { exact: true }).click();
    await expect(grid.getByRole('columnheader', { name: 'Time' })).toHaveAttribute('aria-sort', 'ascending');
    await expect(grid.getByRole('gridcell').filter({ hasText: /^kunde00\d\d@example\.com$/ }).first()).toBeVisible();
    await expect(count).toHaveText(filtered);
    await screenshot(page, '42-responses-grid-filtered');
    downloadPromise = page.waitForEvent('download');
    await browse.getByRole('button', { name: 'Export to Excel' }).click();
    await expect(browse.getByRole('status').filter({ hasText: `Exported ${filtered} of “Clicks with link name and URL”` })).toBeVisible();
    await expectWorkbook(await downloadPromise);

    // One recipient's journey.
    await browse.getByLabel('View').selectOption('recipient_journey');
    await browse.getByLabel('E-mail address').fill('kunde0001@example.com');
    await browse.getByRole('button', { name: 'Show journey' }).click();
    await expect(browse.getByRole('region', { name: 'Recipient journey grid' }).getByRole('gridcell', { name: 'sent', exact: true }).first()).toBeVisible();
    await screenshot(page, '43-responses-journey');

    // The file ledger and the suppression list.
    await page.getByRole('tab', { name: 'Files' }).click();
    await expect(page.getByRole('table', { name: 'Response files' }).getByRole('row', { name: /_mailings\.csv/ }).first()).toBeVisible();
    await screenshot(page, '44-responses-files');
    await page.getByRole('tab', { name: 'Files' }).press('ArrowRight');
    await expect(page.getByRole('tab', { name: 'Suppression list' })).toBeFocused();
    await expect(page.getByRole('tab', { name: 'Suppression list' })).toHaveAttribute('aria-selected', 'true');
    const block = test.info().outputPath('sperrliste.csv');
    writeFileSync(block, 'Email;Note\nblocked.one@example.com;asked\nblocked.two@example.com;asked\nnot-an-address;x\n');
    await page.getByLabel('File to import').setInputFiles(block);
    await page.getByLabel('Reason for these addresses').fill('Customer service request');
    await page.getByRole('button', { name: 'Import addresses' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Imported sperrliste.csv: 2 addresses added' })).toBeVisible();
    await page.getByLabel('Search addresses').fill('blocked');
    const listed = page.getByRole('table', { name: 'Suppressed addresses' });
    await expect(listed.getByRole('row')).toHaveCount(3);
    await listed.getByRole('button', { name: 'Remove blocked.one@example.com' }).click();
    const remove = page.getByRole('dialog', { name: 'Remove blocked.one@example.com from the suppression list?' });
    await remove.getByRole('button', { name: 'Remove the address' }).click();
    await expect(remove.getByRole('alert')).toContainText('Say why');
    await remove.getByLabel('Reason for removing').fill('Customer asked to be mailed again');
    await screenshot(page, '45-responses-suppression-remove');
    await remove.getByRole('button', { name: 'Remove the address' }).click();
    await expect(remove).toBeHidden();
    await expect(listed.getByRole('row')).toHaveCount(2);
    await page.getByRole('button', { name: 'Export the list' }).click();
    await expect(page.getByRole('link', { name: 'Download the list (CSV)' })).toHaveAttribute('href', /\/files\?token=.*&path=/);

    // Soft bounces go out again through New send, prefilled.
    await page.goto(`${page.url().split('#')[0]}#/responses/report/${mailingId}`);
    await page.getByRole('button', { name: 'Resend soft bounces…' }).click();
    const resend = page.getByRole('dialog', { name: `Resend mailing ${mailingId} to its soft bounces?` });
    await expect(resend.getByTestId('resend-summary')).toHaveText(/^\d+ recipients? soft-bounced and can get the mailing again/);
    await screenshot(page, '46-responses-resend-confirm');
    await resend.getByRole('button', { name: 'Open in New send' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'New send' })).toBeVisible();
    await expect(page.getByLabel('Connection', { exact: true })).toHaveValue('Sandbox');
    await expect(page.getByLabel('Client', { exact: true })).toHaveValue('demo');
    await expect(page.getByLabel('Source mailing', { exact: true })).toHaveValue(sourceId);
    await expect(page.getByRole('heading', { level: 3, name: /soft-bounces-\d+-.*\.csv/ })).toBeVisible();
    await screenshot(page, '47-new-send-soft-bounces');
  });
});
