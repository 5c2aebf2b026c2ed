import { expect, test } from './fixtures';
import { pullUntil, pullUntilListed, SANDBOX_RESPONSES_AT_ONCE, sendNow } from './flow-helpers';
import { nav } from './helpers';
import { shootBoth } from './shots';

test.describe('KPIs in operator words', () => {
  // A send's whole response timeline within seconds of its upload (see SANDBOX_RESPONSES_AT_ONCE).
  test.use(SANDBOX_RESPONSES_AT_ONCE);

  test('cards say what they count, the definition is one click away, every link shows, a selection is named by what it shares', async ({ app: page }) => {
    // Send, pull and check: on a loaded machine this took up to 56 s, near the 60 s default.
    test.setTimeout(120_000);
    // Two sends of the demo list with the same source mailing.
    await page.getByRole('region', { name: 'Where to start' }).getByRole('button', { name: 'Send the demo list' }).click();
    const first = await sendNow(page);
    await nav(page, 'New send').click();
    const second = await sendNow(page);

    await nav(page, 'Responses').click();
    const mailings = page.getByRole('table', { name: 'Response mailings' });
    await pullUntilListed(page, [first, second]);

    // The links Browse shows for the first mailing: pulled until its links file is in (a mailing
    // is listed from the mailings file; a links file the export was rewriting is taken on a later pull).
    const browse = page.getByRole('region', { name: 'Browse response data' });
    await pullUntil(page, `the links of mailing ${first}`, async () => {
      await page.goto(`${page.url().split('#')[0]}#/responses/data/links/${first}`);
      await expect(browse.getByTestId('row-count')).toHaveText(/^[1-9]\d* rows?$/, { timeout: 5_000 });
    });
    const linkCount = Number((await browse.getByTestId('row-count').textContent())!.split(' ')[0]);
    expect(linkCount).toBeGreaterThan(0);

    await page.goto(`${page.url().split('#')[0]}#/responses/report/${first}`);
    const report = page.getByRole('region', { name: `KPIs of mailing ${first}` });
    const sent = report.getByRole('listitem', { name: 'Sent', exact: true });
    await expect(sent).toContainText('Recipients the server sent the mailing to.');
    const definition = sent.getByText("distinct mailingrecipients.id (mailingToUserId) with sendingStatus = 'sent'");
    await expect(definition).toBeHidden();
    await sent.getByText('Exact definition').click();
    await expect(definition).toBeVisible();
    await expect(report.getByRole('listitem', { name: 'Open rate', exact: true })).toContainText('Share of the delivered recipients who opened the mailing.');
    // Clicks per link: the same links as Browse, clicked or not.
    await expect(report.getByRole('table', { name: 'Clicks per link' }).getByRole('row')).toHaveCount(linkCount + 1);
    await shootBoth(page, 'ops-60-kpis-words', report.getByRole('list', { name: 'Key figures' }));

    // Two mailings of the same source mailing, named by it.
    await page.getByRole('link', { name: 'Back to mailings' }).click();
    await mailings.getByRole('checkbox', { name: `Tick mailing ${first}` }).check();
    await mailings.getByRole('checkbox', { name: `Tick mailing ${second}` }).check();
    await page.getByRole('button', { name: 'Show KPIs of 2 mailings together' }).click();
    await expect(page.getByRole('heading', { level: 2, name: /^KPIs of 2 mailings of “Weekly newsletter” \(\d+\)$/ })).toBeVisible();
    await expect(page.getByRole('list', { name: 'Key figures' })).toBeVisible();
    await shootBoth(page, 'ops-61-kpis-selection');
  });
});
