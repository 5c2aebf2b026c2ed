import { expect, test } from './fixtures';
import { nav } from './helpers';
import { shootBoth } from './shots';

test.describe('encryption at rest from Settings', () => {
  test('Settings says whether the data is encrypted and switches it behind a confirmation; where DuckDB cannot encrypt, the dialog says why and nothing changes', async ({ app: page }) => {
    await nav(page, 'Settings').click();
    const card = page.getByRole('region', { name: 'Encryption at rest' });
    await expect(card).toContainText('The data file and the send archive are not encrypted.');
    // No terminal command to copy any more: the switch is here.
    await expect(card).not.toContainText('loopdesk settings set encrypt');
    await shootBoth(page, 'ops-60-settings-encryption', card);

    await card.getByRole('button', { name: 'Turn on encryption' }).click();
    const dialog = page.getByRole('dialog', { name: 'Encrypt the data on this computer?' });
    await expect(dialog).toContainText('keeps it in the system');
    await expect(dialog).toContainText('Loopdesk restarts to do this');
    await shootBoth(page, 'ops-61-settings-encryption-confirm', dialog);
    await dialog.getByRole('button', { name: 'Encrypt and restart' }).click();
    // This machine has no httpfs for DuckDB: the refusal stays in the dialog and says what to do.
    await expect(dialog.getByRole('alert')).toContainText('httpfs');
    await shootBoth(page, 'ops-62-settings-encryption-refused', dialog);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(card).toContainText('not encrypted');
    await expect(card.getByRole('status')).toHaveCount(0);
  });
});
