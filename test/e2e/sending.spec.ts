import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, screenshot, test } from './fixtures';
import { confirmSendNow, e2eFixture, recordNotifications } from './flow-helpers';
import { checkUntil, dropFile, nav } from './helpers';

const RECIPIENTS = e2eFixture('empfaenger.csv');
const CATALOG = e2eFixture('produkte.csv');

test.describe('sending', () => {
  test.use({ sandbox: true, sandboxInterval: 1 });

  test('drop a German export, map, fix a row, add products, send a test and send for real', async ({ app: page }) => {
    await nav(page, 'New send').click();
    await expect(page.getByRole('heading', { level: 1, name: 'New send' })).toBeVisible();
    const steps = page.getByRole('navigation', { name: 'Steps' });
    await expect(steps.getByRole('button', { name: /File/ })).toHaveAttribute('aria-current', 'step');
    await expect(steps.getByRole('button', { name: /Send$/ })).toBeDisabled();

    // 1 File: the sandbox connection and its only client are preselected.
    await expect(page.getByLabel('Connection', { exact: true })).toHaveValue('Sandbox');
    await expect(page.getByLabel('Client', { exact: true })).toHaveValue('demo');
    const mailing = page.getByLabel('Source mailing', { exact: true });
    await expect(mailing.locator('option')).toHaveCount(4);
    await mailing.selectOption({ label: (await mailing.locator('option', { hasText: 'Weekly newsletter' }).textContent())! });
    const sourceId = await mailing.inputValue();
    expect(sourceId).toMatch(/^\d+$/);
    await dropFile(page, page.getByRole('group', { name: /Choose a recipient file: drop a file here/ }), RECIPIENTS, 'empfaenger.csv');
    await expect(page.getByTestId('detected-format')).toHaveText('Text (CSV)');
    await expect(page.getByTestId('detected-separator')).toHaveText('Semicolon ;');
    await expect(page.getByTestId('detected-encoding')).toHaveText(/utf-?8/i);
    const preview = page.getByRole('table', { name: 'First rows of the file' });
    await expect(preview.getByRole('columnheader', { name: 'E-Mail' })).toBeVisible();
    await expect(preview.getByRole('cell', { name: 'Müller' })).toBeVisible();
    await screenshot(page, '20-new-send-file');

    // 2 Mapping: German headers land on the master-list fields; broadmail_ID and WAVE_ID fill themselves.
    await page.getByRole('button', { name: 'Continue to mapping' }).click();
    await expect(page.getByRole('heading', { name: 'Step 2 of 5: Mapping' })).toBeFocused();
    await expect(page.getByLabel('Source for Email')).toHaveValue('col:0');
    await expect(page.getByLabel('Source for Salutation')).toHaveValue('col:1');
    await expect(page.getByLabel('Source for First name')).toHaveValue('col:2');
    await expect(page.getByLabel('Source for Last name')).toHaveValue('col:3');
    await expect(page.getByLabel('Source for broadmail_ID')).toHaveValue('sourceMailing');
    await expect(page.getByLabel('Source for WAVE_ID')).toHaveValue('generatedWave');
    await expect(page.getByLabel('Source for product_1')).toHaveValue('col:4');
    await expect(page.getByLabel('Source for product_2')).toHaveValue('none');
    const mappingTable = page.getByRole('table', { name: /Fields of client demo/ });
    await expect(mappingTable.getByRole('row', { name: /^Email/ })).toContainText('exact name');
    await expect(mappingTable.getByRole('row', { name: /^Salutation/ })).toContainText('known synonym');
    await expect(mappingTable.getByRole('row', { name: /^product_1/ })).toContainText('guess');
    const sent = page.getByRole('table', { name: 'First rows as they will be sent' });
    await expect(sent.getByRole('row').nth(1)).toContainText(sourceId);
    await screenshot(page, '21-new-send-mapping');

    // 3 Check: one address is invalid; fix it inline and check again.
    await page.getByRole('button', { name: 'Continue to check' }).click();
    await expect(page.getByTestId('count-rows')).toHaveText('4');
    await expect(page.getByTestId('count-valid')).toHaveText('3');
    await expect(page.getByTestId('count-excluded')).toHaveText('1');
    await expect(page.getByRole('list', { name: 'Problems by reason' })).toContainText('Not a valid e-mail address: 1');
    const problems = page.getByRole('table', { name: 'Rows that cannot be sent' });
    await expect(problems.getByRole('row')).toHaveCount(2);
    await expect(problems.getByRole('row').nth(1)).toContainText('lena.weber(at)example.com');
    await expect(page.getByRole('link', { name: 'Download rejected rows' })).toHaveAttribute('href', /\/files\?token=.*&path=/);
    await screenshot(page, '22-new-send-check-problems');
    await problems.getByLabel('Corrected Email for line 4').fill('lena.weber@example.com');
    await expect(page.getByRole('status').filter({ hasText: 'You changed 1 value' })).toBeVisible();
    await page.getByRole('button', { name: 'Check again' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'You changed 1 value' })).toBeHidden();
    await expect(page.getByTestId('count-rows')).toHaveText('4');
    // The corrected row is checked again with the operator's value and counts as valid.
    await expect(page.getByTestId('count-valid')).toHaveText('4');
    await expect(page.getByTestId('count-excluded')).toHaveText('0');
    await screenshot(page, '23-new-send-check-fixed');

    // 4 Products: the catalog covers every product ID the recipients use.
    await page.getByRole('button', { name: 'Add products (optional)' }).click();
    await expect(page.getByLabel('product_1', { exact: true })).toBeChecked();
    await expect(page.getByLabel('product_2', { exact: true })).toBeChecked();
    await page.getByLabel('Choose a product catalog', { exact: true }).setInputFiles(CATALOG);
    await expect(page.getByText('Catalog: produkte.csv')).toBeVisible();
    await expect(page.getByLabel('Source for product_id')).toHaveValue('col:0');
    await page.getByRole('button', { name: 'Check with the catalog' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Catalog complete: 3 products' })).toBeVisible();
    await screenshot(page, '24-new-send-products');
    await page.getByRole('button', { name: 'Continue to send' }).click();

    // 5 Send: a test first; the dialog says exactly what will happen.
    await expect(page.getByRole('heading', { name: 'Step 5 of 5: Send' })).toBeVisible();
    await page.getByRole('button', { name: 'Send a test…' }).click();
    let dialog = page.getByRole('dialog', { name: 'Send a test?' });
    await expect(dialog).toContainText('demo');
    await expect(dialog).toContainText(`Weekly newsletter (ID ${sourceId})`);
    await expect(dialog.getByTestId('confirm-recipients')).toHaveText('The test file holds exactly 2 rows: one per test recipient (test.one@example.com, test.two@example.com), each with the values of one of the first 2 rows of your file');
    // "When" is asked once, by the radios (no fact row repeating it).
    await expect(dialog.getByRole('radio', { name: 'Now' })).toBeChecked();
    await expect(dialog.getByText('When', { exact: true })).toHaveCount(1);
    await dialog.getByRole('radio', { name: 'At a date and time' }).check();
    await expect(dialog.getByLabel('Send at')).toBeVisible();
    // The confirmation shows the time in the language's form (British English: day first).
    await expect(dialog.getByTestId('confirm-when')).toHaveText(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:00$/);
    await screenshot(page, '25-send-test-confirm');
    await dialog.getByRole('radio', { name: 'Now' }).check();
    await dialog.getByRole('button', { name: 'Send the test now' }).click();

    // The Sends screen opens with the new send selected and follows it to "Sent".
    await expect(page.getByRole('heading', { level: 1, name: 'Sends' })).toBeVisible();
    const detail = page.getByRole('region', { name: /^Test send \d{8}-[0-9a-f]+$/ });
    await expect(detail).toBeVisible();
    const testRow = page.getByRole('table', { name: 'Sends' }).getByRole('row').nth(1);
    await expect(testRow).toContainText('Test');
    await expect(testRow).toContainText('Weekly newsletter');
    await checkUntil(page, detail, 'Sent');
    await expect(detail.getByTestId('mailing-id')).toHaveText(/^\d+$/);
    await screenshot(page, '26-sends-test-sent');

    // The real send, scheduled for later first: it waits and can be cancelled (with confirmation).
    await nav(page, 'New send').click();
    await expect(page.getByRole('heading', { name: 'Step 5 of 5: Send' })).toBeVisible();
    await page.getByRole('button', { name: 'Send for real…' }).click();
    dialog = page.getByRole('dialog', { name: 'Send for real?' });
    await expect(dialog.getByTestId('confirm-recipients')).toHaveText(/^4 recipients/);
    await expect(dialog).toContainText('produkte.csv');
    await expect(dialog).toContainText('cannot be undone');
    await screenshot(page, '27-send-real-confirm');
    // Cancelling the dialog sends nothing.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toBeHidden();
    await page.getByRole('button', { name: 'Send for real…' }).click();
    await dialog.getByRole('radio', { name: 'At a date and time' }).check();
    await dialog.getByLabel('Send at').fill('2099-01-01T09:30');
    await expect(dialog.getByTestId('confirm-when')).toHaveText('01/01/2099 09:30:00');
    await dialog.getByRole('button', { name: 'Schedule the send' }).click();
    const scheduled = page.getByRole('region', { name: /^Send \d{8}-[0-9a-f]+$/ });
    await expect(scheduled.getByTestId('send-state')).toHaveText('Scheduled');
    // The detail shows times in the reader's format (British English here: day first).
    await expect(scheduled).toContainText('01/01/2099 09:30:00');
    await scheduled.getByRole('button', { name: 'Cancel send' }).click();
    const cancelDialog = page.getByRole('dialog', { name: /^Cancel send / });
    await expect(cancelDialog).toContainText('Nothing has been uploaded yet');
    await screenshot(page, '28-sends-cancel-confirm');
    await cancelDialog.getByRole('button', { name: 'Cancel the send' }).click();
    await expect(scheduled.getByTestId('send-state')).toHaveText('Cancelled');
    await expect(scheduled.getByRole('button', { name: 'Cancel send' })).toHaveCount(0);

    // Now for real, now.
    await nav(page, 'New send').click();
    await page.getByRole('button', { name: 'Send for real…' }).click();
    await page.getByRole('dialog', { name: 'Send for real?' }).getByRole('button', { name: 'Send now' }).click();
    const realDetail = page.getByRole('region', { name: /^Send \d{8}-[0-9a-f]+$/ });
    await expect(realDetail).toBeVisible();
    await expect(page.getByRole('table', { name: 'Sends' }).getByRole('row')).toHaveCount(4);
    await checkUntil(page, realDetail, 'Sent');
    await expect(realDetail.getByTestId('mailing-id')).toHaveText(/^\d+$/);
    await expect(realDetail.getByRole('list', { name: 'Timeline' }).getByRole('listitem').filter({ hasText: 'Mailing created' })).toHaveCount(1);
    await screenshot(page, '29-sends-real-sent');
  });

  test('mailings: add a source mailing, then retire it', async ({ app: page }) => {
    await nav(page, 'Mailings').click();
    await expect(page.getByRole('heading', { level: 1, name: 'Mailings' })).toBeVisible();
    const client = page.getByRole('region', { name: 'Source mailings of demo on Sandbox' });
    await expect(client.getByRole('table').getByRole('row')).toHaveCount(4);
    await client.getByRole('button', { name: 'Add source mailing to demo on Sandbox' }).click();
    const form = client.getByRole('form', { name: 'Add source mailing' });
    await form.getByRole('button', { name: 'Save mailing' }).click();
    await expect(form.getByRole('alert')).toContainText('digits only');
    await form.getByLabel('Mailing ID').fill('987654321012');
    await form.getByLabel('Mailing name').fill('Autumn sale');
    await form.getByLabel('Notes').fill('Created for the e2e test');
    await screenshot(page, '30-mailings-add');
    await form.getByRole('button', { name: 'Save mailing' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Source mailing “Autumn sale” (987654321012) saved.' })).toBeVisible();
    const row = client.getByRole('row', { name: /987654321012/ });
    await expect(row).toContainText('Ready');
    await expect(row).toContainText('never');

    await row.getByRole('button', { name: 'Retire Autumn sale' }).click();
    const dialog = page.getByRole('dialog', { name: 'Retire “Autumn sale”?' });
    await expect(dialog).toContainText('can no longer be chosen for new sends');
    await screenshot(page, '31-mailings-retire-confirm');
    await dialog.getByRole('button', { name: 'Retire it' }).click();
    await expect(dialog).toBeHidden();
    await expect(row).toContainText('Retired');
    await expect(row.getByRole('button', { name: 'Restore Autumn sale' })).toBeVisible();
    await screenshot(page, '32-mailings-retired');

    // A retired mailing is not offered for new sends.
    await nav(page, 'New send').click();
    await expect(page.getByLabel('Source mailing', { exact: true }).locator('option', { hasText: 'Autumn sale' })).toHaveCount(0);
  });

  test('a send the server rejects shows its error rows, the halt, and offers to send again', async ({ app: page, host }) => {
    // The sandbox keeps one "activated" mailing that the server refuses to copy: the error path.
    const config = JSON.parse(readFileSync(join(host.dataDir, 'sandbox', 'sandbox.json'), 'utf8')) as { clients: { mailings: { id: string; activated: boolean }[] }[] };
    const activated = config.clients[0].mailings.find((m) => m.activated)!.id;
    // Desktop notifications allowed, and each one the page shows noted (the real one is still made).
    const shown = await recordNotifications(page, host.url);
    await nav(page, 'Mailings').click();
    const client = page.getByRole('region', { name: 'Source mailings of demo on Sandbox' });
    await client.getByRole('button', { name: 'Add source mailing to demo on Sandbox' }).click();
    await client.getByLabel('Mailing ID').fill(activated);
    await client.getByLabel('Mailing name').fill('Spring sale (activated)');
    await client.getByRole('button', { name: 'Save mailing' }).click();
    await expect(client.getByRole('row', { name: new RegExp(activated) })).toBeVisible();

    await nav(page, 'New send').click();
    const mailing = page.getByLabel('Source mailing', { exact: true });
    await mailing.selectOption(activated);
    await page.getByLabel('Choose a recipient file', { exact: true }).setInputFiles(RECIPIENTS);
    await page.getByRole('button', { name: 'Continue to mapping' }).click();
    await page.getByRole('button', { name: 'Continue to check' }).click();
    await expect(page.getByTestId('count-valid')).toHaveText('3');
    await page.getByRole('button', { name: 'Continue to send' }).click();
    await confirmSendNow(page);

    const detail = page.getByRole('region', { name: /^Send \d{8}-[0-9a-f]+$/ });
    await checkUntil(page, detail, 'Failed');
    await expect(detail.getByRole('alert').filter({ hasText: 'Server interface halted' })).toBeVisible();
    const errorBox = detail.getByRole('alert').filter({ hasText: 'What went wrong' });
    await expect(errorBox.getByRole('table', { name: 'Rows the server rejected' }).getByRole('row').nth(1)).toBeVisible();
    await screenshot(page, '33-sends-error-halted');
    // The failure is announced on the desktop too.
    await expect.poll(shown).toContainEqual(expect.objectContaining({ title: 'Send on Spring sale (activated) (demo) failed' }));
    expect((await shown()).find((n) => n.title.endsWith('failed'))!.body).toBeTruthy();

    // "Correct and send again" reopens New send with the same file, client and source mailing.
    await errorBox.getByRole('button', { name: 'Correct and send again' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'New send' })).toBeVisible();
    await expect(page.getByLabel('Connection', { exact: true })).toHaveValue('Sandbox');
    await expect(page.getByLabel('Client', { exact: true })).toHaveValue('demo');
    await expect(mailing).toHaveValue(activated);
    await expect(page.getByRole('heading', { level: 3, name: /empfaenger\.csv/ })).toBeVisible();
    await expect(page.getByRole('table', { name: 'First rows of the file' }).getByRole('cell', { name: 'Müller' })).toBeVisible();
  });
});
