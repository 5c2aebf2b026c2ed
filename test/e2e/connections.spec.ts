import type { Page } from '@playwright/test';
import { useClientSshd } from './client-sshd';
import { expect, screenshot, test } from './fixtures';

const server = useClientSshd();

const nav = (page: Page, name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: new RegExp(`^${name}\\b`) });

/** Fills and saves the add-connection form for the test sshd. */
async function addConnection(page: Page, name: string, password: string, shot?: string): Promise<void> {
  await page.getByRole('button', { name: 'Add connection' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Add connection' })).toBeVisible();
  await page.getByLabel('Connection name').fill(name);
  await page.getByLabel('Host', { exact: true }).fill('127.0.0.1');
  await page.getByLabel('Port', { exact: true }).fill(String(server.sshd.port));
  await page.getByLabel('User', { exact: true }).fill(server.sshd.user);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByLabel('Upload directory').fill(server.dirs.upload);
  await page.getByLabel('Log directory').fill(server.dirs.logs);
  await page.getByLabel('Response directory').fill(server.dirs.responses);
  // The response file names: the default, explained with an example; a broken pattern says why.
  const names = page.getByLabel('Response file names');
  await expect(names).toHaveValue('{date}_{kind}.csv');
  const namesHint = page.locator('#' + (await names.getAttribute('aria-describedby')));
  await expect(namesHint).toContainText('the clicks of 1 June 2024: 20240601_clicks.csv');
  await names.fill('{date}.csv');
  await expect(namesHint).toContainText('need {kind} exactly once');
  await names.fill('{date}_{kind}.csv');
  await expect(namesHint).toContainText('20240601_clicks.csv');
  // The master list starts with the six fields of the spec, in order.
  await expect(page.getByLabel(/^Main master list field \d+ name$/)).toHaveCount(6);
  await expect(page.getByLabel('Main master list field 1 name')).toHaveValue('Email');
  await expect(page.getByLabel('Main master list field 2 name')).toHaveValue('broadmail_ID');
  await expect(page.getByLabel('Main master list field 2 type')).toHaveValue('Bigint');
  if (shot) await screenshot(page, shot);
  await page.getByRole('button', { name: 'Save connection' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Connection “${name}” saved` })).toBeVisible();
}

function card(page: Page, name: string) {
  return page.getByRole('listitem').filter({ has: page.getByRole('heading', { level: 2, name }) });
}

test.describe('connections', () => {
  test('add a profile for a real sshd, trust its key in the UI and test it', async ({ app: page, context }) => {
    await addConnection(page, 'Test server', server.sshd.password, '10-connection-form');
    const c = card(page, 'Test server');
    await expect(c).toContainText(`${server.sshd.user}@127.0.0.1:${server.sshd.port}`);
    await expect(c).toContainText('none yet');

    // First contact: the server's key is unknown and shown for comparison.
    await c.getByRole('button', { name: 'Test connection Test server' }).click();
    await expect(c.getByRole('heading', { name: 'Check the server’s identity' })).toBeVisible();
    await expect(c.getByTestId('offered-fingerprint')).toHaveText(server.sshd.hostKeyFingerprint);
    await screenshot(page, '11-host-key-unknown');

    await c.getByRole('button', { name: 'Trust this key' }).click();
    await expect(c.getByRole('heading', { name: 'Connection works' })).toBeVisible({ timeout: 20_000 });
    await expect(c).toContainText(`The server key ${server.sshd.hostKeyFingerprint} is now trusted`);
    await expect(c.getByText(/OpenSSH/).first()).toBeVisible();
    await expect(c.getByText(/\d+ ms/)).toBeVisible();
    const checks = c.getByRole('table', { name: 'Directory checks' });
    await expect(checks.getByRole('row')).toHaveCount(4);
    await expect(checks.getByText('OK', { exact: true })).toHaveCount(3);
    await expect(c.getByRole('code').filter({ hasText: server.sshd.hostKeyFingerprint }).first()).toBeVisible();
    await screenshot(page, '12-test-report');

    // The activity log shows the test, and a new test appears there live.
    await nav(page, 'Activity').click();
    await expect(page.getByRole('heading', { level: 1, name: 'Activity' })).toBeVisible();
    const passed = page.getByRole('gridcell', { name: /Connection test passed/ });
    await expect(passed).toHaveCount(1);
    const other = await context.newPage();
    await other.goto(page.url().replace(/#.*$/, '#/connections'));
    await card(other, 'Test server').getByRole('button', { name: 'Test connection Test server' }).click();
    await expect(card(other, 'Test server').getByRole('heading', { name: 'Connection works' })).toBeVisible({ timeout: 20_000 });
    await other.close();
    await expect(passed).toHaveCount(2);
    await page.getByLabel('Search activity').fill('no such text anywhere');
    await expect(passed).toHaveCount(0);
    await page.getByLabel('Search activity').fill('test passed');
    await expect(passed).toHaveCount(2);
    await page.getByLabel('Level').selectOption('error');
    await expect(passed).toHaveCount(0);
    await page.getByLabel('Level').selectOption('all');
    await page.getByLabel('Search activity').fill('');
    await screenshot(page, '13-activity');

    // The server's key changes: a loud warning with both fingerprints, and nothing is trusted silently.
    const pinned = server.sshd.hostKeyFingerprint;
    const rotated = await server.sshd.rotateHostKey();
    await nav(page, 'Connections').click();
    await card(page, 'Test server').getByRole('button', { name: 'Test connection Test server' }).click();
    const warning = card(page, 'Test server').getByRole('alert');
    await expect(warning.getByRole('heading', { name: 'Warning: the server’s key has changed' })).toBeVisible();
    await expect(warning.getByTestId('new-fingerprint')).toHaveText(rotated);
    await expect(warning.getByTestId('pinned-fingerprint')).toHaveText(pinned);
    await expect(warning).toContainText('possible attack');
    await expect(warning.getByRole('button', { name: 'Replace the trusted key' })).toBeDisabled();
    await screenshot(page, '14-host-key-changed');
    await warning.getByLabel('The administrator confirmed this new fingerprint').check();
    await warning.getByRole('button', { name: 'Replace the trusted key' }).click();
    await expect(card(page, 'Test server').getByRole('heading', { name: 'Connection works' })).toBeVisible({ timeout: 20_000 });
    await expect(card(page, 'Test server')).not.toContainText(pinned);
  });

  test('a wrong password says what to do, and the right one fixes it', async ({ app: page }) => {
    await addConnection(page, 'Wrong password', 'not-the-password');
    const c = card(page, 'Wrong password');
    await c.getByRole('button', { name: 'Test connection Wrong password' }).click();
    await c.getByRole('button', { name: 'Trust this key' }).click();
    const alert = c.getByRole('alert');
    await expect(alert.getByRole('heading', { name: 'The server refused the sign-in' })).toBeVisible({ timeout: 20_000 });
    // The service's message names the user and tells the operator what to check.
    await expect(alert).toContainText(`rejected the login for user "${server.sshd.user}"`);
    await expect(alert).toContainText('Check the user name and the password');
    await screenshot(page, '15-auth-failed');

    await alert.getByLabel(`Password for ${server.sshd.user}`).fill(server.sshd.password);
    await alert.getByRole('button', { name: 'Use this password and test again' }).click();
    await expect(c.getByRole('heading', { name: 'Connection works' })).toBeVisible({ timeout: 20_000 });

    // Editing keeps the stored password when the field stays empty, and keeps new mailings.
    await c.getByRole('button', { name: 'Edit Wrong password' }).click();
    await expect(page.getByRole('heading', { level: 2, name: 'Edit connection Wrong password' })).toBeVisible();
    await expect(page.getByLabel('Connection name')).toHaveAttribute('readonly', '');
    await page.getByRole('button', { name: 'Add source mailing to Main' }).click();
    await page.getByLabel('Main mailing 1 ID').fill('123456789012');
    await page.getByLabel('Main mailing 1 name').fill('Spring newsletter');
    await page.getByRole('button', { name: 'Add field to Main master list' }).click();
    await page.getByLabel('Main master list field 7 name').fill('product_1');
    await page.getByLabel('Main master list field 7 required').check();
    await page.getByRole('button', { name: 'Move Main master list field 7 up' }).click();
    await expect(page.getByLabel('Main master list field 6 name')).toHaveValue('product_1');
    await screenshot(page, '16-connection-edit');
    await page.getByRole('button', { name: 'Save connection' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Connection “Wrong password” saved' })).toBeVisible();
    await card(page, 'Wrong password').getByRole('button', { name: 'Test connection Wrong password' }).click();
    await expect(card(page, 'Wrong password').getByRole('heading', { name: 'Connection works' })).toBeVisible({ timeout: 20_000 });
    await card(page, 'Wrong password').getByRole('button', { name: 'Edit Wrong password' }).click();
    await expect(page.getByLabel('Main mailing 1 ID')).toHaveValue('123456789012');
    await expect(page.getByLabel('Main master list field 6 name')).toHaveValue('product_1');
    await expect(page.getByLabel('Main master list field 6 required')).toBeChecked();
    await expect(page.getByLabel('Main master list field 7 name')).toHaveValue('Last name');
    await page.getByRole('button', { name: 'Cancel' }).click();

    // A form problem is explained before anything is sent.
    await page.getByRole('button', { name: 'Add connection' }).click();
    await page.getByRole('button', { name: 'Save connection' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'Please fix these before saving' })).toContainText('Give the connection a name');
    await page.getByRole('button', { name: 'Cancel' }).click();

    // Removing asks first.
    await card(page, 'Wrong password').getByRole('button', { name: 'Remove Wrong password' }).click();
    const dialog = page.getByRole('dialog', { name: 'Remove connection “Wrong password”?' });
    await expect(dialog).toBeVisible();
    await screenshot(page, '17-remove-confirm');
    await dialog.getByRole('button', { name: 'Keep it' }).click();
    await expect(dialog).toBeHidden();
    await expect(card(page, 'Wrong password')).toBeVisible();
    await card(page, 'Wrong password').getByRole('button', { name: 'Remove Wrong password' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove connection' }).click();
    await expect(page.getByRole('heading', { level: 2, name: 'No connections yet' })).toBeVisible();
  });
});

test.describe('sandbox', () => {
  test.use({ sandbox: true });

  test('the sandbox profile is present, marked, and its connection works', async ({ app: page }) => {
    const c = card(page, 'Sandbox');
    await expect(c).toBeVisible();
    await expect(c.getByText('Sandbox', { exact: true }).and(page.locator('.badge-sandbox'))).toBeVisible();
    await expect(page.getByRole('contentinfo', { name: 'Status' }).getByTestId('status-sandbox')).toHaveText(/running on port \d+/);
    await c.getByRole('button', { name: 'Test connection Sandbox' }).click();
    await expect(c.getByRole('heading', { name: 'Connection works' })).toBeVisible({ timeout: 20_000 });
    await screenshot(page, '00-connections-sandbox');
  });
});
