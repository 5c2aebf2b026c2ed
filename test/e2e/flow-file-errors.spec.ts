import { writeFileSync } from 'node:fs';
import { expect, test } from './fixtures';
import { e2eFixture, writeText } from './flow-helpers';
import { nav } from './helpers';
import { shootBoth } from './shots';

test.describe('file errors on the first step', () => {
  test.use({ sandbox: true });

  test('an unreadable file is named as the operator knows it and replaces the previous file; a header-only file is refused', async ({ app: page, host }) => {
    const broken = test.info().outputPath('Empfängerliste Mai.xlsx');
    writeFileSync(broken, 'this is not a workbook, only text saved under an .xlsx name\n');
    const headerOnly = writeText(test.info().outputPath('nur-kopfzeile.csv'), ['E-Mail;Anrede;Vorname;Nachname']);

    await nav(page, 'New send').click();
    const mailing = page.getByLabel('Source mailing', { exact: true });
    await mailing.selectOption({ label: (await mailing.locator('option', { hasText: 'Weekly newsletter' }).textContent())! });
    const choose = page.getByLabel('Choose a recipient file', { exact: true });
    const next = page.getByRole('button', { name: 'Continue to mapping' });
    await choose.setInputFiles(e2eFixture('empfaenger.csv'));
    await expect(page.getByRole('heading', { level: 3, name: /empfaenger\.csv/ })).toBeVisible();
    await expect(next).toBeEnabled();

    // A file Loopdesk cannot read: its own name, never the host's copy in the data dir; the old file is gone.
    await choose.setInputFiles(broken);
    const alert = page.getByRole('alert').filter({ hasText: 'not a valid Excel workbook' });
    await expect(alert).toContainText('“Empfängerliste Mai.xlsx”');
    await expect(alert).not.toContainText(host.dataDir);
    await expect(alert).not.toContainText('incoming');
    await expect(page.getByRole('heading', { level: 3, name: /empfaenger\.csv/ })).toHaveCount(0);
    await expect(next).toBeDisabled();
    await expect(page.getByText('Drop or choose the recipient file.')).toBeVisible();
    await shootBoth(page, 'ops-30-file-unreadable', alert);

    // Column names but no rows: refused here, not three steps later.
    await choose.setInputFiles(headerOnly);
    const refused = page.getByRole('alert').filter({ hasText: 'no recipient rows' });
    await expect(refused).toContainText('“nur-kopfzeile.csv”');
    await expect(next).toBeDisabled();
    await shootBoth(page, 'ops-31-file-header-only', refused);
  });
});
