import { expect, test } from './fixtures';
import { nav } from './helpers';
import { shootBoth } from './shots';

test.describe('first run', () => {
  test.use({ sandbox: true });

  test('the first screen says where to start: the demo list goes out in three clicks, or add your own connection', async ({ app: page }) => {
    const guide = page.getByRole('region', { name: 'Where to start' });
    await expect(guide).toBeVisible();
    await shootBoth(page, 'ops-50-first-run');

    // Own server: the button opens the connection form, and Cancel comes back to the guide.
    await guide.getByRole('link', { name: 'Add your own connection' }).click();
    await expect(page.getByRole('heading', { level: 2, name: 'Add connection' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Cancel' })).toBeVisible();
    await page.getByRole('button', { name: 'Cancel' }).click();

    // The sandbox: click 1 opens New send on its last step with the demo list checked.
    await guide.getByRole('button', { name: 'Send the demo list' }).click();
    await expect(page.getByRole('heading', { name: 'Step 5 of 5: Send' })).toBeVisible();
    await expect(page.locator('dl.facts').first()).toContainText('demo-recipients.csv');
    await expect(page.locator('dl.facts').first()).toContainText('5 recipients');
    await shootBoth(page, 'ops-51-demo-list-ready');
    // Clicks 2 and 3.
    await page.getByRole('button', { name: 'Send for real…' }).click();
    await page.getByRole('dialog', { name: 'Send for real?' }).getByRole('button', { name: 'Send now' }).click();
    await expect(page.getByRole('region', { name: /^Send \d{8}-[0-9a-f]+$/ })).toBeVisible();

    // After the first send the guide has done its job.
    await nav(page, 'Connections').click();
    await expect(page.getByRole('heading', { level: 1, name: 'Connections' })).toBeVisible();
    await expect(guide).toHaveCount(0);

    // Mailings: each row starts a new send with that mailing.
    await nav(page, 'Mailings').click();
    const row = page.getByRole('region', { name: 'Source mailings of demo on Sandbox' }).getByRole('row', { name: /New arrivals/ });
    await shootBoth(page, 'ops-52-mailings-new-send');
    await row.getByRole('button', { name: 'New send with New arrivals' }).click();
    await expect(page.getByRole('heading', { name: 'Step 1 of 5: File' })).toBeVisible();
    await expect(page.getByLabel('Source mailing', { exact: true }).locator('option:checked')).toHaveText(/^New arrivals/);
  });
});
