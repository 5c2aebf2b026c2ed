import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, screenshot, test } from './fixtures';
import { dropFile, nav } from './helpers';

/**
 * The check step flags risky values and shows what it tidied (issue #13, item 3), and explains a
 * file whose broadmail_ID names another source mailing (issue #10, item 5).
 */

function csv(name: string, lines: readonly string[]): string {
  const path = join(mkdtempSync(join(tmpdir(), 'loopdesk-e2e-file-')), name);
  writeFileSync(path, lines.join('\r\n') + '\r\n');
  return path;
}

/** Chooses a source mailing, drops the file and goes on to the check with the suggested mapping. */
async function toCheck(page: Page, path: string, name: string): Promise<string> {
  await nav(page, 'New send').click();
  const mailing = page.getByLabel('Source mailing', { exact: true });
  await mailing.selectOption({ label: (await mailing.locator('option', { hasText: 'Weekly newsletter' }).textContent())! });
  const chosen = await mailing.inputValue();
  await dropFile(page, page.getByRole('group', { name: /Choose a recipient file: drop a file here/ }), path, name);
  await expect(page.getByRole('table', { name: 'First rows of the file' })).toBeVisible();
  await page.getByRole('button', { name: 'Continue to mapping' }).click();
  await page.getByRole('button', { name: 'Continue to check' }).click();
  return chosen;
}

/** Light and dark, at the two window sizes operators use. */
async function shots(page: Page, name: string): Promise<void> {
  for (const [w, h] of [
    [1440, 900],
    [1024, 700],
  ] as const) {
    await page.setViewportSize({ width: w, height: h });
    await page.emulateMedia({ colorScheme: 'light' });
    await screenshot(page, `${name}-${w}`);
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, `${name}-${w}-dark`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

test.describe('check step findings', () => {
  test.use({ sandbox: true });

  test('line breaks and formula-like values are flagged with their lines; the tidied values open to show each change', async ({ app: page }) => {
    const path = csv('risky.csv', [
      'E-Mail;Anrede;Vorname;Nachname',
      'anna@example.com;Frau;"Zeile\r\neins";Schmidt',
      'bernd@example.com;Herr;Bernd;"=HYPERLINK(""https://evil.example/x"";""Klick"")"',
      '  carl@example.com ;Herr;Carl;@SUM(A1)',
      'dora@example.com;Frau;Dora;"Koch\nMeier"',
      'emil@example.com;Herr;Emil;+49 30 1234-56',
    ]);
    await toCheck(page, path, 'risky.csv');
    await expect(page.getByTestId('count-valid')).toHaveText('5');
    await expect(page.getByTestId('count-fixes')).toHaveText('3');

    // Flags: counted, with their lines; the phone number is not a formula.
    const risky = page.getByRole('region', { name: /Values to look at/ });
    await expect(risky.getByTestId('flag-line-breaks')).toContainText('2 values with a line break (lines 2, 5)');
    await expect(risky.getByTestId('flag-line-breaks')).toContainText('replaced by a space');
    await expect(risky.getByTestId('flag-formulas')).toContainText('2 values a spreadsheet would run as a formula');
    await expect(risky.getByTestId('flag-formulas')).toContainText('lines 3, 4');
    const flagged = risky.getByRole('table', { name: 'Risky values' });
    await expect(flagged.getByRole('row')).toHaveCount(5);
    await expect(flagged.getByRole('row', { name: /^2 First name Line break/ })).toContainText('Zeile↵eins');
    await expect(flagged.getByRole('row', { name: /^3 Last name Formula/ })).toContainText('=HYPERLINK("https://evil.example/x";"Klick")');
    await expect(flagged).not.toContainText('+49 30');

    // Tidied values: closed at first, then each change before → after.
    const tidied = page.getByRole('table', { name: 'Values tidied automatically' });
    await expect(tidied).toBeHidden();
    await page.getByText(/Values tidied automatically \(3\): show each change/).click();
    await expect(tidied).toBeVisible();
    await expect(page.getByRole('list', { name: 'Tidied values by kind' })).toContainText('Line break replaced by a space: 2');
    await expect(page.getByRole('list', { name: 'Tidied values by kind' })).toContainText('Spaces around the value removed: 1');
    await expect(tidied.getByRole('row', { name: /^2 First name/ })).toContainText('Zeile↵eins');
    await expect(tidied.getByRole('row', { name: /^2 First name/ })).toContainText('Zeile eins');
    await expect(tidied.getByRole('row', { name: /^4 Email/ })).toContainText('··carl@example.com·');
    // What is uploaded: one line per record.
    const sample = page.getByRole('table', { name: 'First rows exactly as they will be uploaded' });
    await expect(sample).toContainText('Zeile eins');
    await shots(page, '40-check-risky-values');
  });

  test('rows naming another source mailing: the check explains, Continue says why it is off, one click fills the chosen mailing', async ({ app: page }) => {
    await nav(page, 'New send').click();
    const mailing = page.getByLabel('Source mailing', { exact: true });
    const mailingIds = () => mailing.locator('option').evaluateAll((o) => o.map((x) => (x as HTMLOptionElement).value).filter((v) => /^\d+$/.test(v)));
    // The list of source mailings arrives after the screen: read it once it holds the client's mailings (two at least).
    await expect.poll(async () => (await mailingIds()).length).toBeGreaterThan(1);
    const ids = await mailingIds();
    await mailing.selectOption({ label: (await mailing.locator('option', { hasText: 'Weekly newsletter' }).textContent())! });
    const chosen = await mailing.inputValue();
    const other = ids.find((id) => id !== chosen)!;
    // The file names the chosen mailing on lines 2 and 4, another one on line 3.
    const path = csv('two-mailings.csv', ['Email;broadmail_ID;Vorname', `anna@example.com;${chosen};Anna`, `bernd@example.com;${other};Bernd`, `carla@example.com;${chosen};Carla`]);
    expect(await toCheck(page, path, 'two-mailings.csv')).toBe(chosen);

    const alert = page.getByRole('alert').filter({ hasText: /another source mailing/ });
    await expect(alert).toContainText('1 row names another source mailing');
    await expect(alert).toContainText(`This send is for source mailing ${chosen}`);
    await expect(alert).toContainText(`names ${other} on line 3`);
    // No green "can be sent" banner beside a disabled Continue: the reason is said.
    await expect(page.getByText(/can be sent/)).toHaveCount(0);
    const cont = page.getByRole('button', { name: 'Continue to send' });
    await expect(cont).toBeDisabled();
    await expect(cont).toHaveAccessibleDescription('Resolve the rows that name another source mailing first (see above).');
    await shots(page, '41-check-source-mailing-mismatch');

    await alert.getByRole('button', { name: `Use ${chosen} for every row` }).click();
    await page.getByRole('button', { name: 'Check again' }).click();
    await expect(page.getByRole('alert')).toHaveCount(0);
    await expect(page.getByText('All 3 rows can be sent')).toBeVisible();
    await expect(cont).toBeEnabled();
  });

  test('the client setting "Line breaks in values" set to leave the row out: such rows are excluded with the reason', async ({ app: page }) => {
    await nav(page, 'Connections').click();
    const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { level: 2, name: 'Sandbox' }) });
    await card.getByRole('button', { name: 'Edit Sandbox' }).click();
    const setting = page.getByLabel('Line breaks in values');
    await expect(setting).toHaveValue('space');
    await expect(setting).toHaveAccessibleDescription(/split/);
    await setting.selectOption({ label: 'Leave the row out' });
    await setting.scrollIntoViewIfNeeded();
    await screenshot(page, '42-connections-client-line-breaks');
    await page.getByRole('button', { name: 'Save connection' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Connection “Sandbox” saved' })).toBeVisible();

    const path = csv('breaks.csv', ['E-Mail;Vorname;Nachname', 'anna@example.com;"Zeile\r\neins";Schmidt', 'bernd@example.com;Bernd;Meier', 'carl@example.com;Carl;"Koch\nMeier"']);
    await toCheck(page, path, 'breaks.csv');
    await expect(page.getByTestId('count-valid')).toHaveText('1');
    await expect(page.getByTestId('count-excluded')).toHaveText('2');
    await expect(page.getByRole('list', { name: 'Problems by reason' })).toContainText('Line break inside a value: 2');
    await expect(page.getByText(/This client refuses values with a line break/)).toBeVisible();
    const problems = page.getByRole('table', { name: 'Rows that cannot be sent' });
    await expect(problems.getByRole('row')).toHaveCount(3);
    await expect(page.getByRole('region', { name: /Values to look at/ })).toHaveCount(0);
  });

  test('"Keep, inside quotes": the line break is flagged as uploaded over two lines, and the sample shows it', async ({ app: page }) => {
    await nav(page, 'Connections').click();
    const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { level: 2, name: 'Sandbox' }) });
    await card.getByRole('button', { name: 'Edit Sandbox' }).click();
    await page.getByLabel('Line breaks in values').selectOption({ label: 'Keep, inside quotes' });
    await page.getByRole('button', { name: 'Save connection' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Connection “Sandbox” saved' })).toBeVisible();

    await toCheck(page, csv('keep.csv', ['E-Mail;Vorname;Nachname', 'anna@example.com;"Zeile\r\neins";Schmidt', 'bernd@example.com;Bernd;Meier']), 'keep.csv');
    await expect(page.getByTestId('count-valid')).toHaveText('2');
    await expect(page.getByTestId('count-fixes')).toHaveText('0');
    await expect(page.getByTestId('flag-line-breaks')).toContainText('1 value with a line break (lines 2)');
    await expect(page.getByTestId('flag-line-breaks')).toContainText('uploaded as they are');
    await expect(page.getByRole('table', { name: 'First rows exactly as they will be uploaded' })).toContainText('Zeile↵eins');
  });
});
