import { expect, test } from './fixtures';
import { e2eFixture, openCheckStep, writeText } from './flow-helpers';
import { shootBoth } from './shots';

test.describe('products without dead ends', () => {
  test.use({ sandbox: true });

  test('a missing product names its rows and leaves them out in one action; disabled actions say why; "Left out" counts every row', async ({ app: page }) => {
    // The catalog lacks P-300, which line 5 (felix.wagner) uses.
    const catalog = writeText(test.info().outputPath('katalog-ohne-p300.csv'), [
      'Artikelnummer;Bezeichnung;Beschreibung;Bild;Link;Preis',
      'P-100;Wanderschuh Alpin;Leichter Wanderschuh;https://shop.example.com/img/p100.jpg;https://shop.example.com/p/100;89,90',
      'P-200;Regenjacke Nord;Wasserdichte Jacke;https://shop.example.com/img/p200.jpg;https://shop.example.com/p/200;129,00',
    ]);
    await openCheckStep(page, e2eFixture('empfaenger.csv'));
    await expect(page.getByTestId('count-valid')).toHaveText('3');
    await expect(page.getByTestId('count-excluded')).toHaveText('1');

    // Leaving the bad line out: "Left out" still counts it.
    const problems = page.getByRole('table', { name: 'Rows that cannot be sent' });
    await problems.getByLabel('Leave out line 4').check();
    // The stale report blocks both ways on, and says why.
    await expect(page.getByRole('button', { name: 'Continue to send' })).toBeDisabled();
    await expect(page.getByTestId('check-blocked')).toHaveText(/press “Check again” first/);
    await page.getByRole('button', { name: 'Check again' }).click();
    await expect(page.getByTestId('count-valid')).toHaveText('3');
    await expect(page.getByTestId('count-excluded')).toHaveText('1');
    await expect(page.getByRole('region', { name: 'Check result' }).getByRole('heading', { level: 3 })).toHaveText('3 rows can be sent, 1 row will be left out');

    // Products: P-300 is missing; the screen names the line that uses it.
    await page.getByRole('button', { name: 'Add products (optional)' }).click();
    await page.getByLabel('Choose a product catalog', { exact: true }).setInputFiles(catalog);
    await page.getByRole('button', { name: 'Check with the catalog' }).click();
    const missing = page.getByRole('table', { name: 'Missing product IDs' });
    await expect(missing.getByRole('row', { name: /P-300/ })).toContainText('5');
    await expect(page.getByRole('button', { name: 'Continue to send' })).toBeDisabled();
    await expect(page.getByTestId('products-blocked')).toHaveText(/1 product ID the recipients use is missing/);
    await shootBoth(page, 'ops-20-products-missing', missing);

    // Back on Check: Continue to send is disabled, and says why.
    await page.getByRole('button', { name: 'Back' }).click();
    await expect(page.getByRole('button', { name: 'Continue to send' })).toBeDisabled();
    await expect(page.getByTestId('check-blocked')).toHaveText(/product catalog/);
    await shootBoth(page, 'ops-21-check-with-catalog', page.getByTestId('check-blocked'));
    await page.getByRole('button', { name: 'Continue to products' }).click();

    // One action leaves the line out and checks again: the catalog is complete.
    await page.getByRole('button', { name: 'Check with the catalog' }).click();
    await page.getByRole('button', { name: 'Leave out this row' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Catalog complete: 2 products' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Continue to send' })).toBeEnabled();
    await expect(page.getByTestId('products-blocked')).toHaveCount(0);
    await shootBoth(page, 'ops-22-products-complete');
    await page.getByRole('button', { name: 'Continue to send' }).click();
    await expect(page.getByRole('heading', { name: 'Step 5 of 5: Send' })).toBeVisible();
    await expect(page.locator('dl.facts').first()).toContainText('2 recipients, 2 rows left out');
  });
});
