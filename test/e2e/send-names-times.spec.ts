import type { Page } from '@playwright/test';
import { expect, screenshot, test } from './fixtures';
import { confirmSendNow, e2eFixture, openCheckStep } from './flow-helpers';
import { checkUntil, nav } from './helpers';

const RECIPIENTS = e2eFixture('empfaenger.csv');

function card(page: Page, name: string) {
  return page.getByRole('listitem').filter({ has: page.getByRole('heading', { level: 2, name }) });
}

test.describe('products file name and server times', () => {
  test.use({ sandbox: true, sandboxInterval: 1 });

  test('the client editor checks the products file name; the Sends timeline says whose clock each time is', async ({ app: page }) => {
    // Connections: the products file name, with an example; a broken pattern says why and blocks saving.
    await nav(page, 'Connections').click();
    await card(page, 'Sandbox').getByRole('button', { name: 'Edit Sandbox' }).click();
    const field = page.getByLabel('Products file name');
    await expect(field).toHaveValue('{stamp}_products.csv');
    const hint = page.locator('#' + (await field.getAttribute('aria-describedby')));
    await expect(hint).toContainText('Example, with a recipient file sent at 09:30 on 1 June 2024: 20240601093000_products.csv');
    await field.fill('products/{stamp}.csv');
    await expect(hint).toContainText('cannot contain / or \\');
    await expect(field).toHaveAttribute('aria-invalid', 'true');
    await page.getByRole('button', { name: 'Save connection' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'Please fix these before saving' })).toContainText('products file name cannot contain');
    await field.scrollIntoViewIfNeeded();
    await screenshot(page, '40-connection-products-file-name-problem');
    await field.fill('catalog-{stamp}.csv');
    await expect(hint).toContainText('catalog-20240601093000.csv');
    await expect(field).not.toHaveAttribute('aria-invalid', 'true');
    await field.scrollIntoViewIfNeeded();
    await screenshot(page, '41-connection-products-file-name');
    await page.getByRole('button', { name: 'Save connection' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Connection “Sandbox” saved' })).toBeVisible();
    await card(page, 'Sandbox').getByRole('button', { name: 'Edit Sandbox' }).click();
    await expect(page.getByLabel('Products file name')).toHaveValue('catalog-{stamp}.csv');
    await page.getByRole('button', { name: 'Cancel' }).click();

    // A real send through the sandbox; its timeline shows the server's log times as server clock.
    await openCheckStep(page, RECIPIENTS);
    await expect(page.getByTestId('count-valid')).toHaveText('3');
    await page.getByRole('button', { name: 'Continue to send' }).click();
    await confirmSendNow(page);
    const detail = page.getByRole('region', { name: /^Send \d{8}-[0-9a-f]+$/ });
    await checkUntil(page, detail, 'Sent');
    const timeline = detail.getByRole('list', { name: 'Timeline' });
    await expect(timeline).toHaveAccessibleDescription(/server clock.*read in the client’s time zone/);
    const created = timeline.getByRole('listitem').filter({ hasText: 'Mailing created' });
    await expect(created.getByTestId('timeline-time')).toHaveText(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2} server clock, \S+ seen \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2} on this computer$/);
    const queued = timeline.getByRole('listitem').filter({ hasText: 'Queued' }).first();
    await expect(queued.getByTestId('timeline-time')).toHaveText(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2} this computer$/);
    await timeline.scrollIntoViewIfNeeded();
    await screenshot(page, '42-sends-timeline-clocks');
  });
});
