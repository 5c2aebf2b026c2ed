import { expect, screenshot, test } from './fixtures';

const SCREENS = [
  { link: 'Connections', heading: 'Connections', shot: '01-connections-empty' },
  { link: 'Mailings', heading: 'Mailings', shot: '02-mailings' },
  { link: 'New send', heading: 'New send', shot: '03-new-send' },
  { link: 'Sends', heading: 'Sends', shot: '04-sends' },
  { link: 'Responses', heading: 'Responses', shot: '05-responses' },
  { link: 'Activity', heading: 'Activity', shot: '06-activity-empty' },
  { link: 'Settings', heading: 'Settings', shot: '50-settings' },
] as const;

test.describe('shell', () => {
  test('every screen is reachable by keyboard and has its heading', async ({ app: page }) => {
    // The first Tab lands on the skip link, which is visible while focused and jumps to the content.
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Skip to main content' });
    await expect(skip).toBeFocused();
    await expect(skip).toBeInViewport();
    await page.keyboard.press('Enter');
    await expect(page.locator('main#main')).toBeFocused();

    // Tab walks the navigation in order; Enter opens each screen.
    await page.reload();
    await expect(page.getByRole('heading', { level: 1, name: 'Connections' })).toBeVisible();
    await page.keyboard.press('Tab');
    await expect(skip).toBeFocused();
    const nav = page.getByRole('navigation', { name: 'Main' });
    for (const s of SCREENS) {
      await page.keyboard.press('Tab');
      const link = nav.getByRole('link', { name: new RegExp(`^${s.link}\\b`) });
      await expect(link).toBeFocused();
      await page.keyboard.press('Enter');
      await expect(page.getByRole('heading', { level: 1, name: s.heading, exact: true })).toBeVisible();
      await expect(link).toHaveAttribute('aria-current', 'page');
      await expect(page).toHaveTitle(`${s.heading} · Loopdesk`);
      await expect(page.getByRole('heading', { level: 1 })).toHaveCount(1);
      await screenshot(page, s.shot);
    }

    // Arrow keys, Home and End move between entries too.
    await expect(nav.getByRole('link', { name: /^Settings\b/ })).toBeFocused();
    await page.keyboard.press('Home');
    await expect(nav.getByRole('link', { name: /^Connections\b/ })).toBeFocused();
    await page.keyboard.press('ArrowDown');
    await expect(nav.getByRole('link', { name: /^Mailings\b/ })).toBeFocused();
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    await expect(nav.getByRole('link', { name: /^Settings\b/ })).toBeFocused();
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowDown');
    await expect(nav.getByRole('link', { name: /^Connections\b/ })).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { level: 1, name: 'Connections' })).toBeVisible();
  });

  test('settings: retention asks before deleting, can be cancelled, and says what it deleted', async ({ app: page }) => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /^Settings\b/ }).click();
    const card = page.getByRole('region', { name: 'Data retention' });
    await expect(card).toContainText('Personal data is now kept until you delete it.');
    const days = card.getByLabel('Keep personal data for (days)');
    const save = card.getByRole('button', { name: 'Save retention' });
    await expect(days).toHaveValue('0');
    await expect(save).toBeDisabled();
    await days.fill('abc');
    await expect(card).toContainText('Enter a whole number of days from 0 to 36500.');
    await expect(save).toBeDisabled();

    // Cancel: nothing is saved or deleted.
    await days.fill('30');
    await save.click();
    const dialog = page.getByRole('dialog', { name: 'Delete personal data older than 30 days?' });
    await expect(dialog).toContainText('Deleted data cannot be brought back.');
    await screenshot(page, '51-settings-confirm-retention');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toHaveCount(0);
    await expect(card).toContainText('Personal data is now kept until you delete it.');

    // Confirm: saved, applied, and reported.
    await save.click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete and keep 30 days' }).click();
    await expect(page.getByRole('status')).toContainText('Saved. Deleted everything from before');
    await expect(page.getByRole('status')).toContainText('0 response rows');
    await expect(card).toContainText('Personal data is now kept for 30 days.');
    await expect(page.getByRole('region', { name: 'Encryption at rest' })).toContainText('not encrypted');
    await screenshot(page, '52-settings-retention-saved');

    // Back to keeping everything needs no confirmation: nothing is deleted.
    await days.fill('0');
    await save.click();
    await expect(page.getByRole('status')).toContainText('Retention is off');
    await expect(card).toContainText('Personal data is now kept until you delete it.');
  });

  test('the responses screen says what to do first when nothing was pulled', async ({ app: page }) => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /^Responses\b/ }).click();
    await expect(page.getByText('Response files come from a connection. Add one on the Connections screen first.')).toBeVisible();
    await expect(page.getByRole('tab', { name: 'Mailings' })).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByRole('heading', { level: 2, name: 'No response data yet' })).toBeVisible();
    // The tabs follow the arrow keys (WAI-ARIA tabs pattern).
    await page.getByRole('tab', { name: 'Mailings' }).focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await expect(page.getByRole('tab', { name: 'Files' })).toBeFocused();
    await expect(page.getByText('No response files yet.')).toBeVisible();
    await page.keyboard.press('End');
    await expect(page.getByRole('tab', { name: 'Suppression list' })).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByText('The list is empty.')).toBeVisible();
    await expect(page.getByRole('table')).toHaveCount(0);
  });

  test('the sending screens explain what to do first when nothing is set up', async ({ app: page }) => {
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: /^Mailings\b/ }).click();
    await expect(page.getByRole('heading', { level: 2, name: 'No connections yet' })).toBeVisible();
    await expect(page.getByRole('link', { name: 'Connections', exact: true }).last()).toHaveAttribute('href', '#/connections');
    await nav.getByRole('link', { name: /^New send\b/ }).click();
    await expect(page.getByText('There is no connection yet.')).toBeVisible();
    await expect(page.getByRole('navigation', { name: 'Steps' }).getByRole('button', { name: /Mapping/ })).toBeDisabled();
    await nav.getByRole('link', { name: /^Sends\b/ }).click();
    await expect(page.getByRole('heading', { level: 2, name: 'No sends yet' })).toBeVisible();
    await expect(page.getByRole('table')).toHaveCount(0);
  });

  test('status bar shows the host kind, the data dir and the sandbox state', async ({ app: page, host }) => {
    const status = page.getByRole('contentinfo', { name: 'Status' });
    await expect(status.getByTestId('status-host')).toHaveText(/Browser host/);
    await expect(status.getByTestId('status-data-dir')).toContainText(host.dataDir);
    await expect(status.getByTestId('status-sandbox')).toHaveText(/Sandbox\s+not running/);
  });

  test('dark theme follows the operating system', async ({ app: page }) => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /^Activity\b/ }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Activity' })).toBeVisible();
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).toBe('rgb(20, 24, 29)');
    await expect(page.locator('body')).toHaveAttribute('data-ag-theme-mode', 'dark');
    await screenshot(page, '07-activity-dark');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /^Connections\b/ }).click();
    await screenshot(page, '08-connections-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(246, 247, 249)');
  });

  test('an unexpected error shows one dismissible banner', async ({ page, host }) => {
    // Not the `app` fixture: this test provokes a page error on purpose.
    await page.goto(host.url);
    await expect(page.getByRole('heading', { level: 1, name: 'Connections' })).toBeVisible();
    await page.evaluate(() => {
      setTimeout(() => {
        throw new Error('synthetic failure for the e2e test');
      });
      void Promise.reject(new Error('synthetic rejection for the e2e test'));
    });
    const alerts = page.getByRole('alert').filter({ hasText: 'Something went wrong in this window' });
    await expect(alerts).toHaveCount(2);
    await expect(alerts.first()).toContainText('synthetic');
    await screenshot(page, '09-error-banner');
    await alerts.first().getByRole('button', { name: /^Dismiss/ }).click();
    await alerts.first().getByRole('button', { name: /^Dismiss/ }).click();
    await expect(alerts).toHaveCount(0);
  });

  test('a page opened without its token explains what to open instead', async ({ page, host }) => {
    await page.goto(host.url.replace(/\?token=.*/, ''));
    await expect(page.getByRole('heading', { level: 1, name: 'Loopdesk cannot reach its host' })).toBeVisible();
    await expect(page.getByRole('alert')).toContainText('loopdesk serve');
  });
});
