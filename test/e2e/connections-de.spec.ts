import { useClientSshd } from './client-sshd';
import { expect, test } from './fixtures';
import { englishOnScreen, overflowing } from './i18n-check';
import { shootBoth } from './shots';

const server = useClientSshd();

/** The client's folder names on the server (data the connection test reports, not Loopdesk's words). */
const CLIENT_FOLDERS = ['upload', 'logs', 'responses'];

test.describe('Verbindungen (German)', () => {
  test.use({ locale: 'de-DE', viewport: { width: 1024, height: 700 } });

  test('profile form, client editor and connection test read German, fit at 1024×700, in light and dark', async ({ app: page }) => {
    await expect(page.getByRole('heading', { level: 1, name: 'Verbindungen' })).toBeVisible();
    await expect(page.getByRole('heading', { level: 2, name: 'Noch keine Verbindungen' })).toBeVisible();
    await page.getByRole('button', { name: 'Verbindung hinzufügen' }).click();
    const form = page.getByRole('form', { name: 'Verbindung hinzufügen' });
    await expect(form).toBeVisible();

    // An empty save lists the problems in German.
    await page.getByRole('button', { name: 'Verbindung speichern' }).click();
    const problems = page.getByRole('alert').filter({ hasText: 'Bitte korrigieren Sie vor dem Speichern' });
    await expect(problems).toContainText('Geben Sie der Verbindung einen Namen, zum Beispiel „Optimizely Produktion“.');
    await expect(problems).toContainText('Geben Sie den Hostnamen oder die IP-Adresse des SFTP-Servers ein.');
    await shootBoth(page, '15-connection-form-problems-de', problems);

    await page.getByLabel('Name der Verbindung').fill('Testserver');
    await page.getByLabel('Host', { exact: true }).fill('127.0.0.1');
    await page.getByLabel('Port', { exact: true }).fill(String(server.sshd.port));
    await page.getByLabel('Benutzer', { exact: true }).fill(server.sshd.user);
    await page.getByLabel('Passwort', { exact: true }).fill('falsch');
    await page.getByLabel('Upload-Verzeichnis').fill(server.dirs.upload);
    await page.getByLabel('Log-Verzeichnis').fill(server.dirs.logs);
    await page.getByLabel('Verzeichnis der Reaktionsdaten').fill(server.dirs.responses);
    // The checks shared with the contract explain themselves in German.
    const names = page.getByLabel('Namen der Reaktionsdateien');
    const namesHint = page.locator('#' + (await names.getAttribute('aria-describedby')));
    await expect(namesHint).toContainText('Beispiel, die Klicks vom 1. Juni 2024: 20240601_clicks.csv');
    await names.fill('{date}.csv');
    await expect(namesHint).toHaveText('Die Namen der Reaktionsdateien brauchen {kind} genau einmal (gefunden: 0), z. B. {date}_{kind}.csv.');
    await names.fill('{date}_{kind}.csv');
    const timestamps = page.getByLabel('Zeitstempelformat');
    const timestampsHint = page.locator('#' + (await timestamps.getAttribute('aria-describedby')));
    await timestamps.fill('YYYY-MM-DD HH:mm Q');
    await expect(timestampsHint).toContainText('enthält „Q“, das ist kein bekannter Bestandteil');
    await timestamps.fill('YYYY-MM-DD HH:mm:ss');
    await expect(page.getByLabel('Stammliste von Main, Feld 1, Name')).toHaveValue('Email');
    await page.getByRole('button', { name: 'Quellmailing zu Main hinzufügen' }).click();
    await page.getByLabel('Main, Mailing 1, ID').fill('123456789012');
    await page.getByLabel('Main, Mailing 1, Name').fill('Frühjahrs-Newsletter');

    expect(await englishOnScreen(page, ['connections', 'error-profiles'], CLIENT_FOLDERS)).toEqual([]);
    expect(await overflowing(page)).toEqual([]);
    await shootBoth(page, '10-connection-form-de', page.getByRole('group', { name: 'Server', exact: true }));
    await shootBoth(page, '10-connection-form-options-de', page.getByRole('group', { name: 'Verbindungsoptionen' }));
    await shootBoth(page, '10-client-editor-de', page.getByRole('group', { name: 'Mandant: Main' }));
    await shootBoth(page, '10-client-editor-dialect-de', page.getByRole('group', { name: 'Reaktionsdateien vom Server' }));
    await shootBoth(page, '10-client-editor-mailings-de', page.getByRole('button', { name: 'Mandant Main entfernen' }));

    await page.getByRole('button', { name: 'Verbindung speichern' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Verbindung „Testserver“ gespeichert.' })).toBeVisible();
    const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { level: 2, name: 'Testserver' }) });
    await expect(card).toContainText('noch keiner (der erste Test fragt Sie)');
    await expect(card).toContainText('Schnell, Keepalive 15 s, Zeitlimit 20 s');

    // First contact: the unknown key, explained in German.
    await card.getByRole('button', { name: 'Verbindung Testserver testen' }).click();
    await expect(card.getByRole('heading', { name: 'Identität des Servers prüfen' })).toBeVisible();
    expect(await englishOnScreen(page, ['connections', 'error-profiles'], CLIENT_FOLDERS)).toEqual([]);
    expect(await overflowing(page)).toEqual([]);
    await shootBoth(page, '11-host-key-unknown-de', card.getByRole('alert'));

    // The wrong password: the sign-in problem in German, then the right one.
    await card.getByRole('button', { name: 'Diesem Schlüssel vertrauen' }).click();
    const signIn = card.getByRole('alert');
    await expect(signIn.getByRole('heading', { name: 'Der Server hat die Anmeldung abgelehnt' })).toBeVisible({ timeout: 20_000 });
    await shootBoth(page, '12-sign-in-refused-de', signIn);
    await signIn.getByLabel(`Passwort für ${server.sshd.user}`).fill(server.sshd.password);
    await signIn.getByRole('button', { name: 'Dieses Passwort verwenden und erneut testen' }).click();
    await expect(card.getByRole('heading', { name: 'Verbindung funktioniert' })).toBeVisible({ timeout: 20_000 });
    const checks = card.getByRole('table', { name: 'Verzeichnisprüfungen' });
    await expect(checks.getByRole('row')).toHaveCount(4);
    await expect(checks).toContainText(`${server.dirs.upload} ist beschreibbar.`);
    await expect(checks).toContainText('Reaktionsdaten');
    expect(await englishOnScreen(page, ['connections', 'error-profiles'], CLIENT_FOLDERS)).toEqual([]);
    expect(await overflowing(page)).toEqual([]);
    await shootBoth(page, '12-test-report-de', checks);

    // A changed key: the loud warning, in German.
    await server.sshd.rotateHostKey();
    await card.getByRole('button', { name: 'Verbindung Testserver testen' }).click();
    const warning = card.getByRole('alert');
    await expect(warning.getByRole('heading', { name: 'Warnung: Der Schlüssel des Servers hat sich geändert' })).toBeVisible({ timeout: 20_000 });
    await expect(warning).toContainText('ein möglicher Angriff');
    expect(await englishOnScreen(page, ['connections', 'error-profiles'], CLIENT_FOLDERS)).toEqual([]);
    await shootBoth(page, '14-host-key-changed-de', warning);

    // Removing asks in German.
    await card.getByRole('button', { name: 'Testserver entfernen' }).click();
    const dialog = page.getByRole('dialog', { name: 'Verbindung „Testserver“ entfernen?' });
    await expect(dialog.getByRole('button', { name: 'Behalten' })).toBeVisible();
    await shootBoth(page, '16-remove-connection-de');
    await dialog.getByRole('button', { name: 'Verbindung entfernen' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Verbindung „Testserver“ entfernt. Sie bleibt 30 Tage unten unter „Kürzlich entfernt“' })).toBeVisible();
  });
});
