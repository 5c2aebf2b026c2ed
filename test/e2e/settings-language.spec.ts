import { expect, test } from './fixtures';
import { englishOnScreen, overflowing } from './i18n-check';
import { shootBoth } from './shots';

test.describe('language in Settings', () => {
  test('switching to Deutsch turns the screen German at once, survives a reload, and switches back', async ({ app: page }) => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /^Settings\b/ }).click();
    const language = page.getByRole('region', { name: 'Language' });
    // A new data folder follows the browser's language (en-GB here) and says so.
    await expect(language).toContainText('Loopdesk follows this computer’s language (English) until you choose one here.');
    await expect(language.getByRole('radio', { name: 'English' })).toBeChecked();

    await language.getByRole('radio', { name: 'Deutsch' }).click();
    // No reload: the whole window re-renders in German.
    await expect(page.getByRole('heading', { level: 1, name: 'Einstellungen' })).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('lang', 'de-DE');
    // The side navigation turns German at once too, not only the screen.
    await expect(page.getByRole('navigation').getByRole('link', { name: /^Einstellungen\b/ })).toBeVisible();
    await expect(page.getByRole('navigation').getByRole('link', { name: /^Settings\b/ })).toHaveCount(0);
    const sprache = page.getByRole('region', { name: 'Sprache' });
    await expect(sprache.getByRole('radio', { name: 'Deutsch' })).toBeChecked();
    await expect(sprache).toContainText('Ihre Wahl wird im Datenordner gespeichert');
    await expect(page.getByRole('region', { name: 'Aufbewahrung' })).toContainText('Personenbezogene Daten werden derzeit aufbewahrt, bis Sie sie löschen.');
    await expect(page.getByRole('region', { name: 'Verschlüsselung gespeicherter Daten' })).toContainText('nicht verschlüsselt');
    await expect(page.locator('main').getByText('Data retention')).toHaveCount(0);
    expect(await englishOnScreen(page, ['settings'])).toEqual([]);
    await page.setViewportSize({ width: 1024, height: 700 });
    expect(await overflowing(page)).toEqual([]);
    await shootBoth(page, '50-settings-de');
    await shootBoth(page, '50-settings-de-encryption', page.getByRole('region', { name: 'Verschlüsselung gespeicherter Daten' }));

    // Kept in the data folder: a reload (a new window) starts in German.
    await page.reload();
    await expect(page.getByRole('heading', { level: 1, name: 'Einstellungen' })).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('lang', 'de-DE');

    // German numbers and plurals in the retention dialog.
    const days = page.getByLabel('Personenbezogene Daten aufbewahren (Tage)');
    await days.fill('1');
    await page.getByRole('button', { name: 'Aufbewahrung speichern' }).click();
    const dialog = page.getByRole('dialog', { name: 'Personenbezogene Daten löschen, die älter als 1 Tag sind?' });
    await expect(dialog).toContainText('Gelöschte Daten lassen sich nicht wiederherstellen.');
    await expect(dialog).toContainText(/vor \d{2}\.\d{2}\.\d{4} \d{2}:\d{2}/);
    expect(await englishOnScreen(page, ['settings'])).toEqual([]);
    await shootBoth(page, '51-settings-confirm-retention-de');
    await dialog.getByRole('button', { name: 'Abbrechen' }).click();

    await page.getByRole('region', { name: 'Sprache' }).getByRole('radio', { name: 'English' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('lang', 'en-GB');
    await page.reload();
    await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
    await expect(page.getByRole('region', { name: 'Language' })).toContainText('Your choice is kept in the data folder');
  });
});

test.describe('language from the system', () => {
  test.use({ locale: 'de-DE' });
  test('a German browser starts in German until the operator chooses', async ({ app: page }) => {
    await page.goto(page.url().replace(/#.*$/, '') + '#/settings');
    await expect(page.getByRole('heading', { level: 1, name: 'Einstellungen' })).toBeVisible();
    await expect(page.getByRole('region', { name: 'Sprache' })).toContainText('Loopdesk verwendet die Sprache dieses Computers (Deutsch), bis Sie hier eine Sprache wählen.');
  });
});
