import { expect, screenshot, test } from './fixtures';

test.describe('connections: response file dialect', () => {
  test('set per client, a wrong timestamp format says why, kept when saved', async ({ app: page }) => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /^Connections\b/ }).click();
    await page.getByRole('button', { name: 'Add connection' }).click();
    await page.getByLabel('Connection name').fill('Latin server');
    await page.getByLabel('Host', { exact: true }).fill('127.0.0.1');
    await page.getByLabel('User', { exact: true }).fill('acme');
    await page.getByLabel('Password', { exact: true }).fill('secret');

    const dialect = page.getByRole('group', { name: 'Response files from the server' });
    // The spec's dialect by default.
    await expect(dialect.getByLabel('Character set')).toHaveValue('utf-8');
    await expect(dialect.getByLabel('Delimiter')).toHaveValue(';');
    await expect(dialect.getByLabel('First line')).toHaveValue('header');
    const format = dialect.getByLabel('Timestamp format');
    await expect(format).toHaveValue('YYYY-MM-DD HH:mm:ss');

    await dialect.getByLabel('Character set').selectOption('windows-1252');
    await dialect.getByLabel('Delimiter').selectOption({ label: 'Tab' });
    await dialect.getByLabel('First line').selectOption('data');
    await format.fill('DD.MM.YYYY HH:mm Uhr');
    const hint = page.locator('#' + (await format.getAttribute('aria-describedby')));
    await expect(hint).toContainText('contains "U", which is not a known part');
    await expect(format).toHaveAttribute('aria-invalid', 'true');
    await page.getByRole('button', { name: 'Save connection' }).click();
    await expect(page.getByText(/Client 1|Main/).first()).toBeVisible();
    await expect(page.getByRole('alert').or(page.locator('.form-problems'))).toContainText('which is not a known part');
    await screenshot(page, '18-response-dialect-problem');

    await format.fill('DD.MM.YYYY HH:mm [Uhr]');
    await expect(hint).toContainText('Parts: YYYY year');
    await expect(hint).toContainText('Without a header, the columns are read in the order of the interface description');
    await page.getByLabel('Response file names').fill('{date}_{kind}_{part}.csv');
    await expect(page.getByText('{part} numbers the files of an export split into several')).toBeVisible();
    await screenshot(page, '18-response-dialect');
    await page.getByRole('button', { name: 'Save connection' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Connection “Latin server” saved' })).toBeVisible();

    // Opened again, the form shows what was stored.
    await page.getByRole('button', { name: 'Edit Latin server' }).click();
    const again = page.getByRole('group', { name: 'Response files from the server' });
    await expect(again.getByLabel('Character set')).toHaveValue('windows-1252');
    await expect(again.getByLabel('Delimiter')).toHaveValue('\t');
    await expect(again.getByLabel('First line')).toHaveValue('data');
    await expect(again.getByLabel('Timestamp format')).toHaveValue('DD.MM.YYYY HH:mm [Uhr]');
    await expect(page.getByLabel('Response file names')).toHaveValue('{date}_{kind}_{part}.csv');
  });
});
