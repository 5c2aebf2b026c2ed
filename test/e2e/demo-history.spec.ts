import { expect, screenshot, test } from './fixtures';
import { nav } from './helpers';

test.describe('demo history', () => {
  // As `npm start` and `loopdesk serve` start it: the sandbox seeds ~60 days of past mailings.
  test.use({ sandbox: true, sandboxHistory: true });

  test('a fresh demo shows about 60 days of past mailings, their KPIs and charts without any send', async ({ app: page }) => {
    test.setTimeout(120_000);
    await nav(page, 'Responses').click();
    await expect(page.getByRole('heading', { level: 1, name: 'Responses' })).toBeVisible();
    const mailings = page.getByRole('table', { name: 'Response mailings' });
    // The history loads in the background after start-up; the screen fills without a pull by hand.
    await expect(async () => {
      await page.reload();
      // 60 days hold 8 or 9 of each weekday: 25 to 27 mailings (the weekly newsletter, new arrivals, cart reminders).
      await expect(mailings.getByRole('row').nth(25)).toBeVisible({ timeout: 2_000 });
    }).toPass({ timeout: 90_000, intervals: [2_000, 3_000] });
    await screenshot(page, '48-responses-demo-history');

    // A mailing about two weeks old, so its opens and clicks have come in over days.
    const first = mailings.getByRole('row').nth(7);
    await first.getByRole('button', { name: /^Show KPIs of mailing \d+$/ }).click();
    const report = page.getByRole('region', { name: /^KPIs of mailing \d+$/ });
    await expect(report).toBeVisible();
    const sent = Number((await report.getByTestId('kpi-sent').textContent())!.replace(/,/g, ''));
    expect(sent).toBeGreaterThan(900);
    await expect(report.getByTestId('kpi-openRate')).toHaveText(/^\d+(\.\d)?%$/);
    await expect(report.getByRole('table', { name: 'Clicks per link' }).getByRole('row')).not.toHaveCount(1);
    await expect(report.getByRole('figure', { name: 'Opens and clicks over time' }).locator('canvas').first()).toBeVisible();
    await expect(report.getByRole('figure', { name: 'Devices: opens and clicks' }).getByTestId('bar-label').first()).toBeVisible();
    await screenshot(page, '49-responses-demo-history-kpis');
  });
});
