import { expect, test } from './fixtures';
import { openCheckStep, writeText } from './flow-helpers';
import { shootBoth } from './shots';

test.describe('long values in the check', () => {
  test.use({ sandbox: true });

  test('a 300-character value is shortened, shown whole on demand, and never pushes the controls off-screen', async ({ app: page }) => {
    // A first name pasted with a whole paragraph: longer than the field's 255 characters.
    const long = `Jonas ${'und noch ein sehr langer Text '.repeat(10)}Ende`;
    expect(long.length).toBeGreaterThan(300);
    const file = writeText(test.info().outputPath('lang.csv'), ['E-Mail;Anrede;Vorname;Nachname', 'anna.schmidt@example.com;Frau;Anna;Schmidt', `jonas.mueller@example.com;Herr;${long};Müller`]);
    await page.setViewportSize({ width: 1024, height: 700 });
    await openCheckStep(page, file);
    await expect(page.getByTestId('count-excluded')).toHaveText('1');
    const problems = page.getByRole('table', { name: 'Rows that cannot be sent' });
    const row = problems.getByRole('row').nth(1);
    await expect(row).toContainText('und noch ein sehr langer Text');
    await expect(row).not.toContainText(long);

    // The table fits its box: no sideways scrolling, the controls sit inside the card.
    const scroller = problems.locator('xpath=..');
    const fits = async () => scroller.evaluate((el) => el.scrollWidth <= el.clientWidth + 1);
    expect(await fits()).toBe(true);
    const card = (await page.locator('.step-card').boundingBox())!;
    for (const control of [problems.getByLabel('Corrected First name for line 3'), problems.getByLabel('Leave out line 3')]) {
      const box = (await control.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(card.x + card.width);
    }
    await shootBoth(page, 'ops-10-check-long-value', problems);

    // The whole value on demand, wrapped inside the cell.
    await problems.getByRole('button', { name: 'Show the whole First name of line 3' }).click();
    await expect(row).toContainText(long);
    expect(await fits()).toBe(true);
    const box = (await problems.getByLabel('Leave out line 3').boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(card.x + card.width);
    await shootBoth(page, 'ops-11-check-long-value-open', problems);
    await problems.getByLabel('Leave out line 3').check();
    await expect(problems.getByLabel('Corrected First name for line 3')).toBeDisabled();
  });
});
