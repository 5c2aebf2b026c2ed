import { expect, test } from './fixtures';
import { e2eFixture, openCheckStep } from './flow-helpers';
import { nav } from './helpers';
import { shootBoth } from './shots';

test.describe('send states without dead ends', () => {
  test.use({ sandbox: true });

  test('the test dialog counts the test file exactly; a cancelled send offers no check and does not count as use; a draft can be started over', async ({ app: page }) => {
    await openCheckStep(page, e2eFixture('empfaenger.csv'));
    await expect(page.getByTestId('count-valid')).toHaveText('3');
    await page.getByRole('button', { name: 'Continue to send' }).click();

    // The test file: one row per test recipient (2), each from a different real row.
    await page.getByRole('button', { name: 'Send a test…' }).click();
    const testDialog = page.getByRole('dialog', { name: 'Send a test?' });
    await expect(testDialog.getByTestId('confirm-recipients')).toHaveText(
      'The test file holds exactly 2 rows: one per test recipient (test.one@example.com, test.two@example.com), each with the values of one of the first 2 rows of your file',
    );
    await shootBoth(page, 'ops-40-test-dialog');
    await testDialog.getByRole('button', { name: 'Cancel' }).click();

    // A real send scheduled for later, then cancelled.
    await page.getByRole('button', { name: 'Send for real…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Send for real?' });
    await dialog.getByRole('radio', { name: 'At a date and time' }).check();
    await dialog.getByLabel('Send at').fill('2099-01-01T09:30');
    await dialog.getByRole('button', { name: 'Schedule the send' }).click();
    const detail = page.getByRole('region', { name: /^Send \d{8}-[0-9a-f]+$/ });
    await detail.getByRole('button', { name: 'Cancel send' }).click();
    await page.getByRole('dialog', { name: /^Cancel send / }).getByRole('button', { name: 'Cancel the send' }).click();
    await expect(detail.getByTestId('send-state')).toHaveText('Cancelled');
    await expect(detail.getByTestId('mailing-id')).toHaveText('none: the send was cancelled before anything was uploaded');
    await expect(detail.getByRole('button', { name: 'Check now' })).toHaveCount(0);
    await shootBoth(page, 'ops-41-sends-cancelled', detail);

    // The cancelled send never used the source mailing.
    await nav(page, 'Mailings').click();
    const row = page.getByRole('region', { name: 'Source mailings of demo on Sandbox' }).getByRole('row', { name: /Weekly newsletter/ });
    await expect(row).toContainText('Ready');
    await expect(row).toContainText('never');

    // The unfinished draft can be started over (after a confirmation).
    await nav(page, 'New send').click();
    await expect(page.getByRole('heading', { name: 'Step 5 of 5: Send' })).toBeVisible();
    await page.getByRole('button', { name: 'Start over…' }).click();
    const startOver = page.getByRole('dialog', { name: 'Start this send over?' });
    await expect(startOver).toContainText('“empfaenger.csv”');
    await shootBoth(page, 'ops-42-new-send-start-over');
    await startOver.getByRole('button', { name: 'Start over' }).click();
    await expect(page.getByRole('heading', { name: 'Step 1 of 5: File' })).toBeVisible();
    await expect(page.getByLabel('Connection', { exact: true })).toHaveValue('Sandbox');
    await expect(page.getByLabel('Source mailing', { exact: true })).toHaveValue('');
    await expect(page.getByRole('heading', { level: 3, name: /empfaenger\.csv/ })).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Start over…' })).toHaveCount(0);
  });
});
