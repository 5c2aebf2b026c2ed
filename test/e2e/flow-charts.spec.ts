import { expect, test } from './fixtures';
import { openCheckStep, pullUntilKpis, pullUntilListed, SANDBOX_RESPONSES_AT_ONCE, sendNow, writeText } from './flow-helpers';
import { nav } from './helpers';
import { shootBoth } from './shots';

test.describe('report charts', () => {
  // A send's whole response timeline within seconds of its upload (see SANDBOX_RESPONSES_AT_ONCE).
  test.use(SANDBOX_RESPONSES_AT_ONCE);

  test('device, platform and browser names are never cut off; the time chart states its span', async ({ app: page }) => {
    // Send, pull and check: on a loaded machine this took up to 56 s, near the 60 s default.
    test.setTimeout(120_000);
    const lines = ['E-Mail;Anrede;Vorname;Nachname'];
    for (let i = 1; i <= 150; i++) lines.push(`kunde${String(i).padStart(3, '0')}@example.com;Frau;V${i};N${i}`);
    await openCheckStep(page, writeText(test.info().outputPath('kunden.csv'), lines));
    await expect(page.getByTestId('count-valid')).toHaveText('150');
    await page.getByRole('button', { name: 'Continue to send' }).click();
    const mailingId = await sendNow(page);

    await nav(page, 'Responses').click();
    await pullUntilListed(page, [mailingId]);
    await page.setViewportSize({ width: 1024, height: 700 });
    // The charts draw opens and clicks: pulled until the mailing's opens are in.
    const report = await pullUntilKpis(page, mailingId, { uniqueOpens: 1 });

    const time = report.getByRole('figure', { name: 'Opens and clicks over time' });
    // One hour of data is named as that hour, never as a span from a time to the same time.
    await expect(time).toContainText(/Data from one hour: \d{2}\/\d{2}\/\d{4}, \d{2}:\d{2}–\d{2}:\d{2} \(server time\)|Per hour, from (\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}) to (?!\1)\d{2}\/\d{2}\/\d{4} \d{2}:\d{2} \(server time\)/);

    for (const caption of ['Devices: opens and clicks', 'Platforms: opens and clicks', 'Browsers: opens and clicks']) {
      const figure = report.getByRole('figure', { name: caption });
      const labels = figure.getByTestId('bar-label');
      await expect(labels.first()).toBeVisible();
      // Every name is shown whole: the same text as the table of numbers, and nothing overflows its box.
      const names = await figure.getByRole('table', { includeHidden: true }).locator('tbody tr td:first-child').allTextContents();
      await expect(labels).toHaveText(names);
      const clipped = await labels.evaluateAll((els) => els.filter((e) => e.scrollWidth > e.clientWidth + 1 || e.getBoundingClientRect().right > (e.closest('figure')?.getBoundingClientRect().right ?? Infinity)).map((e) => e.textContent));
      expect(clipped, `${caption}: names cut off`).toEqual([]);
    }
    await shootBoth(page, 'ops-95-report-charts', report.getByRole('figure', { name: 'Browsers: opens and clicks' }));
    await shootBoth(page, 'ops-96-report-timeline', time);
  });
});
