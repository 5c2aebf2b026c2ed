import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RESPONSE_KIND_NAMES } from '../../shared/contract/response-file-names';
import { expect, test } from './fixtures';
import { agGridEnglishFragments, englishIn, englishOnScreen, overflowing, readableText, sandboxData } from './i18n-check';
import { sandboxResponseDir, yesterdayStamp } from './sandbox-files';
import { shootBoth } from './shots';

const FIXTURES = fileURLToPath(new URL('../fixtures/responses', import.meta.url));

test.describe('the recipient journey in German', () => {
  test.use({ locale: 'de-DE', sandbox: true });

  test('the event filter takes the German words the grid shows ("Klick", "Öffnung")', async ({ app: page, host }) => {
    await page.setViewportSize({ width: 1024, height: 700 });
    await page.goto(`${page.url().split('#')[0]}#/responses`);
    // The host pulls every connection once when it starts (its daily pull time, 07:00, has passed):
    // a pull of our own first, so that one has listed the still empty folder and cannot take the files below.
    const pull = page.getByRole('button', { name: 'Jetzt abrufen', exact: true });
    await pull.click();
    await expect(page.getByRole('status').filter({ hasText: /abgerufen|noch keine Reaktionsdateien/ })).toBeVisible({ timeout: 30_000 });

    // The test fixtures' response files, offered by the sandbox server as yesterday's export.
    const dir = sandboxResponseDir(host.dataDir);
    for (const kind of RESPONSE_KIND_NAMES) copyFileSync(join(FIXTURES, `20210101_${kind}.csv`), join(dir, `${yesterdayStamp()}_${kind}.csv`));
    await pull.click();
    await expect(page.getByRole('status').filter({ hasText: /^7 Dateien abgerufen: 7 neu/ })).toBeVisible({ timeout: 30_000 });

    await page.getByRole('tab', { name: 'Daten durchsuchen' }).click();
    const browse = page.getByRole('region', { name: 'Reaktionsdaten durchsuchen' });
    await browse.getByLabel('Ansicht').selectOption('recipient_journey');
    await browse.getByLabel('E-Mail-Adresse').fill('d@example.com');
    await browse.getByRole('button', { name: 'Verlauf anzeigen' }).click();
    const grid = browse.getByRole('region', { name: 'Tabelle Empfängerverlauf' });
    const count = browse.getByTestId('row-count');
    await expect(count).toHaveText('4 Zeilen');
    const events = grid.locator('[row-index] [role="gridcell"][col-id="event"]');
    await expect(events).toHaveText(['gesendet', 'Öffnung', 'Klick', 'Abmeldung']);

    const filter = grid.getByRole('textbox', { name: 'Ereignis Filtereingabe' });
    await filter.fill('Klick');
    await expect(count).toHaveText('1 Zeile');
    await expect(events).toHaveText(['Klick']);
    await filter.fill('öffn');
    await expect(count).toHaveText('1 Zeile');
    await expect(events).toHaveText(['Öffnung']);
    expect(await englishOnScreen(page, ['responses', 'grid'], [...sandboxData(host.dataDir), 'd@example.com'])).toEqual([]);
    // AG Grid's own texts too (renderer/src/components/grid-locale.ts), its filter menu open.
    await grid.getByRole('button', { name: 'Filtermenü öffnen' }).nth(2).click();
    await expect(page.locator('.ag-filter').first()).toBeVisible();
    expect(englishIn(await readableText(page), agGridEnglishFragments())).toEqual([]);
    await page.keyboard.press('Escape');
    expect(await overflowing(page)).toEqual([]);
    await shootBoth(page, 'journey-de-10-event-filter', grid);
    // A word no event is shown as finds nothing (the stored English word included).
    await filter.fill('click');
    await expect(count).toHaveText('0 Zeilen');
  });
});
