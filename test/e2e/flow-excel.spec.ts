import ExcelJS from 'exceljs';
import { expect, test } from './fixtures';
import { pullUntilKpis, pullUntilListed, SANDBOX_RESPONSES_AT_ONCE, sendNow } from './flow-helpers';
import { nav } from './helpers';
import { shootBoth } from './shots';

test.describe('Excel report', () => {
  // A send's whole response timeline within seconds of its upload (see SANDBOX_RESPONSES_AT_ONCE).
  test.use(SANDBOX_RESPONSES_AT_ONCE);

  test('one action writes and downloads the report; the KPI sheet names the mailing and the time, rates are percentages', async ({ app: page }) => {
    // Send, pull and check: on a loaded machine this took up to 56 s, near the 60 s default.
    test.setTimeout(120_000);
    await page.getByRole('region', { name: 'Where to start' }).getByRole('button', { name: 'Send the demo list' }).click();
    const mailingId = await sendNow(page);

    await nav(page, 'Responses').click();
    await pullUntilListed(page, [mailingId]);
    // The open rate below is a number only once the mailing's recipients are in (delivered > 0).
    const report = await pullUntilKpis(page, mailingId, { delivered: 1 });

    const before = Date.now();
    const download = page.waitForEvent('download');
    await report.getByRole('button', { name: 'Download the Excel report' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/\.xlsx$/);
    await expect(report.getByRole('status').filter({ hasText: 'offered as a download' })).toBeVisible();
    await shootBoth(page, 'ops-90-report-downloaded', report.getByRole('status').filter({ hasText: 'offered as a download' }));

    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile((await file.path())!);
    const kpis = book.getWorksheet('KPIs')!;
    expect(kpis.getCell('A1').value).toBe('Mailing');
    expect(String(kpis.getCell('B1').value)).toBe(mailingId);
    const labels = kpis.getColumn(1).values as unknown[];
    const written = labels.indexOf('Report written');
    expect(written).toBeGreaterThan(0);
    const when = String(kpis.getCell(written, 2).value);
    // This computer's time in the window's form (British English: day/month/year) with its offset.
    const parts = /^(\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2}):(\d{2}) \(UTC[+-]\d{2}:\d{2}\)$/.exec(when);
    expect(parts, when).not.toBeNull();
    const [, d, mo, y, h, mi, s] = parts!.map(Number);
    expect(Math.abs(new Date(y!, mo! - 1, d, h, mi, s).getTime() - before)).toBeLessThan(120_000);
    const header = labels.indexOf('KPI');
    expect(kpis.getRow(header).values).toEqual([undefined, 'KPI', 'Count', 'Rate', 'What it counts', 'Exact definition']);
    const openRate = kpis.getRow(labels.indexOf('Open rate'));
    expect(typeof openRate.getCell(3).value).toBe('number');
    expect(openRate.getCell(3).numFmt).toBe('0.0%');
    expect(typeof kpis.getRow(labels.indexOf('Sent')).getCell(2).value).toBe('number');
  });
});
