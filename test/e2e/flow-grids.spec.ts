import { expect, test } from './fixtures';
import { openCheckStep, pullUntil, pullUntilListed, SANDBOX_RESPONSES_AT_ONCE, sentMailingId, writeText } from './flow-helpers';
import { nav } from './helpers';
import { shootBoth } from './shots';

test.describe('grids for operators', () => {
  // A send's whole response timeline within seconds of its upload (see SANDBOX_RESPONSES_AT_ONCE).
  test.use(SANDBOX_RESPONSES_AT_ONCE);

  test('text sorts ignore case like the filter, time and recipient show without scrolling, dates are typed in the form the grids show', async ({ app: page }) => {
    // Send, pull and check: on a loaded machine this took up to 56 s, near the 60 s default.
    test.setTimeout(120_000);
    await page.setViewportSize({ width: 1440, height: 900 });
    const emails = ['Dora@example.com', 'anna@example.com', 'emil@example.com', 'Bernd@example.com', 'carla@example.com'];
    const file = writeText(test.info().outputPath('gemischt.csv'), ['E-Mail;Anrede;Vorname;Nachname', ...emails.map((e, i) => `${e};Frau;V${i};N${i}`)]);
    await openCheckStep(page, file);
    await expect(page.getByTestId('count-valid')).toHaveText('5');
    await page.getByRole('button', { name: 'Continue to send' }).click();

    // The send dialog's time box takes the app's one date form.
    await page.getByRole('button', { name: 'Send for real…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Send for real?' });
    await dialog.getByRole('radio', { name: 'At a date and time' }).check();
    const at = dialog.getByRole('textbox', { name: 'Send at' });
    // Prefilled an hour ahead in the form the grids show times in (British English: DD/MM/YYYY HH:MM).
    await expect(at).toHaveValue(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
    await at.fill('01/01/2099 09:30');
    await expect(dialog.getByTestId('confirm-when')).toHaveText('01/01/2099 09:30:00');
    // The ISO form is understood too.
    await at.fill('2099-01-01 09:30');
    await expect(dialog.getByTestId('confirm-when')).toHaveText('01/01/2099 09:30:00');
    await shootBoth(page, 'ops-70-send-at-date-form');
    await dialog.getByRole('radio', { name: 'Now' }).check();
    await dialog.getByRole('button', { name: 'Send now' }).click();
    const mailingId = await sentMailingId(page);

    await nav(page, 'Responses').click();
    await pullUntilListed(page, [mailingId]);

    // Pulled until all five recipients of the mailing are in (its recipients file may be taken on a later pull than its mailing).
    const browse = page.getByRole('region', { name: 'Browse response data' });
    await pullUntil(page, `the five recipients of mailing ${mailingId}`, async () => {
      await page.goto(`${page.url().split('#')[0]}#/responses/data/mailing_recipients/${mailingId}`);
      await expect(browse.getByTestId('row-count')).toHaveText('5 rows', { timeout: 5_000 });
    });
    const grid = browse.getByRole('region', { name: 'Recipients per mailing grid' });

    // Time and recipient are in view without scrolling sideways.
    const box = (await grid.boundingBox())!;
    for (const name of ['Sent', 'Recipient']) {
      const header = (await grid.getByRole('columnheader', { name, exact: true }).boundingBox())!;
      expect(header.x + header.width, `${name} column inside the grid`).toBeLessThanOrEqual(box.x + box.width);
    }

    // Sorting by recipient ignores case.
    await grid.getByRole('columnheader', { name: 'Recipient', exact: true }).getByText('Recipient', { exact: true }).click();
    await expect(grid.getByRole('columnheader', { name: 'Recipient', exact: true })).toHaveAttribute('aria-sort', 'ascending');
    // The column's cells in row order (the grid may add rows to the page in any order).
    const column = (colId: string) =>
      grid.evaluate((el, id) => {
        const cells = [...el.querySelectorAll(`[row-index] [role="gridcell"][col-id="${id}"]`)];
        const index = (c: Element) => Number(c.closest('[role="row"]')?.getAttribute('row-index') ?? 0);
        return cells.sort((a, b) => index(a) - index(b)).map((c) => c.textContent ?? '');
      }, colId);
    await expect.poll(() => column('user_id')).toEqual(['anna@example.com', 'Bernd@example.com', 'carla@example.com', 'Dora@example.com', 'emil@example.com']);

    // The date filter is typed in the form the Sent column shows (British English: DD/MM/YYYY); the ISO form works too.
    const sentOn = ((await column('created'))[0] ?? '').slice(0, 10);
    expect(sentOn).toMatch(/^\d{2}\/\d{2}\/\d{4}$/);
    const dateFilter = grid.getByRole('textbox', { name: 'Sent Filter Input' });
    await dateFilter.fill('2000-01-01');
    await expect(browse.getByTestId('row-count')).toHaveText('0 rows');
    await dateFilter.fill(sentOn);
    await expect(browse.getByTestId('row-count')).toHaveText('5 rows');
    await shootBoth(page, 'ops-71-grid-sorted-filtered', grid);

    // The widest view: clicks with link name and URL. Time and recipient still show without scrolling.
    await browse.getByLabel('View').selectOption('clicks_with_links');
    const clicks = browse.getByRole('region', { name: 'Clicks with link name and URL grid' });
    const clicksBox = (await clicks.boundingBox())!;
    for (const name of ['Time', 'Recipient']) {
      // The grid renders only the columns near the visible ones: an off-screen column is not there at all.
      await expect(clicks.getByRole('columnheader', { name, exact: true })).toBeVisible();
      const header = (await clicks.getByRole('columnheader', { name, exact: true }).boundingBox())!;
      expect(header.x + header.width, `${name} column inside the clicks grid`).toBeLessThanOrEqual(clicksBox.x + clicksBox.width);
    }
    await shootBoth(page, 'ops-72-grid-clicks-columns', clicks);
  });
});
