import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './fixtures';
import { englishOnScreen, overflowing, sandboxData } from './i18n-check';
import { sandboxResponseDir, yesterdayStamp } from './sandbox-files';
import { shootBoth } from './shots';

test.describe('the response-file ledger in German', () => {
  test.use({ locale: 'de-DE', sandbox: true });

  test('a rejected file says why in German on the Files tab (the reason is kept as a catalog key)', async ({ app: page, host }) => {
    // A clicks file whose header lacks "linkId", put where the sandbox server offers its exports.
    const name = `${yesterdayStamp()}_clicks.csv`;
    writeFileSync(
      join(sandboxResponseDir(host.dataDir), name),
      '"link";"mailingId";"mailingToUserId";"mailingGroupId";"userId";"created"\n"1";"2";"3";"4";"a@example.com";"2026-12-01 10:00:00"\n',
    );

    await page.setViewportSize({ width: 1024, height: 700 });
    await page.goto(`${page.url().split('#')[0]}#/responses`);
    await expect(page.getByRole('heading', { level: 1, name: 'Reaktionsdaten' })).toBeVisible();
    await page.getByRole('button', { name: 'Jetzt abrufen', exact: true }).click();
    await expect(page.getByRole('status').filter({ hasText: /^\d+ Datei(en)? abgerufen:/ })).toBeVisible({ timeout: 30_000 });

    await page.getByRole('tab', { name: 'Dateien' }).click();
    const row = page.getByRole('table', { name: 'Reaktionsdateien' }).getByRole('row').filter({ hasText: /_clicks\.csv/ });
    await expect(row).toContainText('abgelehnt');
    // The ledger's reason in the window's language, with the file's own words (its name, the column) as data.
    await expect(row.locator('.error-message')).toContainText(`${name}: In Zeile 1 (Kopfzeile) fehlt die Spalte "linkId" einer clicks-Datei.`);
    expect(await englishOnScreen(page, ['responses', 'error-responses'], sandboxData(host.dataDir))).toEqual([]);
    expect(await overflowing(page)).toEqual([]);
    await shootBoth(page, 'ledger-de-10-rejected-file', row);

    // The Activity screen names the file and its reason in German too (no English sentence in the entry or its tooltip).
    await page.goto(`${page.url().split('#')[0]}#/activity`);
    const entry = page.getByRole('gridcell').filter({ hasText: 'wurde nicht eingelesen' });
    await expect(entry).toContainText(`${name} (`);
    await expect(entry).toContainText('fehlt die Spalte "linkId" einer clicks-Datei.');
    await expect(entry).toContainText('Beim nächsten Abruf wird es erneut versucht.');
    await entry.hover();
    expect(await englishOnScreen(page, undefined, sandboxData(host.dataDir))).toEqual([]);
    await shootBoth(page, 'ledger-de-11-rejected-file-activity', entry);

    // The same row read in English after a language switch: the key is stored, not the German text.
    await page.goto(`${page.url().split('#')[0]}#/settings`);
    await page.getByRole('region', { name: 'Sprache' }).getByRole('radio', { name: 'English' }).click();
    await page.goto(`${page.url().split('#')[0]}#/responses`);
    await page.getByRole('tab', { name: 'Files' }).click();
    await expect(page.getByRole('table', { name: 'Response files' }).getByRole('row').filter({ hasText: /_clicks\.csv/ }).locator('.error-message')).toContainText(
      `${name}: line 1 (header) lacks the column "linkId" of a clicks file.`,
    );
  });
});
