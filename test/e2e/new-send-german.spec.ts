import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import type { Locator, Page } from '@playwright/test';
import { expect, SCREENSHOT_DIR, test } from './fixtures';
import { e2eFixture, writeText } from './flow-helpers';

/** The catalog areas of the New send flow (issue #15). */
const AREAS = ['new-send', 'check', 'error-recipients'] as const;
const catalog = (lang: 'en' | 'de', area: string): Record<string, string> =>
  JSON.parse(readFileSync(fileURLToPath(new URL(`../../shared/i18n/catalog/${lang}/${area}.json`, import.meta.url)), 'utf8')) as Record<string, string>;

/** The literal text of a message: every piece between placeholders, in plural options and tags too. */
function literals(elements: readonly MessageFormatElement[], out: string[] = []): string[] {
  for (const e of elements) {
    if (e.type === TYPE.literal) out.push(e.value);
    else if (e.type === TYPE.tag) literals(e.children, out);
    else if (e.type === TYPE.plural || e.type === TYPE.select) for (const option of Object.values(e.options)) literals(option.value, out);
    // A placeholder or `#` ends the piece: what stands there is data.
    else out.push('\u0000');
  }
  return out;
}

/**
 * Every English fragment of the flow's messages an operator could read: messages that differ
 * from their German text, cut at their placeholders, each piece with at least 4 letters (shorter
 * ones, like "ID" or "Tab", are words German shares).
 */
function englishFragments(): { key: string; fragment: string }[] {
  const found: { key: string; fragment: string }[] = [];
  for (const area of AREAS) {
    const en = catalog('en', area);
    const de = catalog('de', area);
    for (const [key, text] of Object.entries(en)) {
      if (text === de[key]) continue;
      for (const piece of literals(parse(text)).join('').split('\u0000')) {
        const fragment = piece.trim();
        if ((fragment.match(/\p{L}/gu) ?? []).length >= 4) found.push({ key, fragment });
      }
    }
  }
  return found;
}

/**
 * Everything the operator can read on the New send screen and its dialogs: the text, option
 * lists, and the names and hints of controls. (The shell around it belongs to other areas.)
 */
async function readableText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const roots = [...document.querySelectorAll<HTMLElement>('section.new-send, dialog[open]')];
    const parts = roots.map((r) => r.innerText);
    for (const el of roots.flatMap((r) => [r, ...r.querySelectorAll('[aria-label], [title], [placeholder], option, optgroup')])) {
      for (const attr of ['aria-label', 'title', 'placeholder', 'label']) {
        const v = el.getAttribute(attr);
        if (v) parts.push(v);
      }
      if (el.tagName === 'OPTION') parts.push(el.textContent ?? '');
    }
    return parts.join('\n');
  });
}

/** Asserts that no English fragment of the flow's catalog shows on the page. */
async function expectNoEnglish(page: Page, step: string): Promise<void> {
  const text = await readableText(page);
  // Whole words only: "Send" must not be found inside "Sendung", nor "product" in the field name "product_id".
  const english = englishFragments().filter(({ fragment }) => new RegExp(`(?<![\\p{L}\\p{N}_])${fragment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}\\p{N}_])`, 'u').test(text));
  expect(english, `English text on the German ${step} step`).toEqual([]);
}

/**
 * Elements whose text is cut off: wider than their box where the box hides what does not fit.
 * Allowed only where a `title` holds the whole text, so it can still be read.
 */
async function clippedText(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const clipped: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>('body *')) {
      if (el.offsetParent === null && getComputedStyle(el).position !== 'fixed') continue;
      // Text for screen readers only is 1 px wide on purpose.
      if (el.closest('.visually-hidden')) continue;
      const style = getComputedStyle(el);
      const hides = style.overflowX === 'hidden' || style.overflowX === 'clip' || style.textOverflow === 'ellipsis';
      if (!hides || el.scrollWidth <= el.clientWidth + 1) continue;
      const text = (el.innerText || '').trim();
      if (!text) continue;
      const title = el.getAttribute('title') ?? '';
      if (title && title.replace(/\s+/g, ' ').includes(text.replace(/\s+/g, ' ').replace(/…$/, ''))) continue;
      clipped.push(`<${el.tagName.toLowerCase()} class="${el.className}">${text.slice(0, 80)}`);
    }
    return clipped;
  });
}

/**
 * The step at 1024×700, light and dark: `test-results/screenshots/new-send-<lang>-<step>-<scheme>-1024x700.png`,
 * scrolled to `focus` (the part of the step the shot is about).
 */
async function shoot(page: Page, lang: string, step: string, focus?: Locator): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    if (focus) await focus.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOT_DIR, `new-send-${lang}-${step}-${scheme}-1024x700.png`), animations: 'disabled', caret: 'hide' });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/** The words of each language the walk clicks and reads. */
const WORDS = {
  de: {
    connection: 'Verbindung',
    mailing: 'Quellmailing',
    chooseFile: 'Empfängerliste auswählen',
    toMapping: 'Weiter zur Zuordnung',
    toCheck: 'Weiter zur Prüfung',
    problems: 'Zeilen, die nicht gesendet werden können',
    addProducts: 'Produkte hinzufügen (optional)',
    chooseCatalog: 'Produktkatalog auswählen',
    checkCatalog: 'Mit Katalog prüfen',
    catalogComplete: /Katalog vollständig: 3 Produkte/,
    toSend: 'Weiter zum Versand',
    sendHeading: 'Schritt 5 von 5: Versand',
    real: 'Echtversand senden…',
    realDialog: 'Echtversand senden?',
    later: 'Zu einem Zeitpunkt',
    at: 'Senden am',
    cancel: 'Abbrechen',
    brokenHeadline: /„kaputt\.xlsx“ heißt \.xlsx, ist aber keine gültige Excel-Arbeitsmappe/,
  },
  en: {
    connection: 'Connection',
    mailing: 'Source mailing',
    chooseFile: 'Choose a recipient file',
    toMapping: 'Continue to mapping',
    toCheck: 'Continue to check',
    problems: 'Rows that cannot be sent',
    addProducts: 'Add products (optional)',
    chooseCatalog: 'Choose a product catalog',
    checkCatalog: 'Check with the catalog',
    catalogComplete: /Catalog complete: 3 products/,
    toSend: 'Continue to send',
    sendHeading: 'Step 5 of 5: Send',
    real: 'Send for real…',
    realDialog: 'Send for real?',
    later: 'At a date and time',
    at: 'Send at',
    cancel: 'Cancel',
    brokenHeadline: /“kaputt\.xlsx” is named \.xlsx but is not a valid Excel workbook/,
  },
} as const;

for (const lang of ['de', 'en'] as const) {
  test.describe(`New send in ${lang === 'de' ? 'German' : 'English'}`, () => {
    test.use({ sandbox: true, locale: lang === 'de' ? 'de-DE' : 'en-GB', viewport: { width: 1024, height: 700 } });

    test(`file, mapping, check, products and the send confirmation speak ${lang === 'de' ? 'German' : 'English'}, with nothing clipped at 1024×700`, async ({ app: page }) => {
      const w = WORDS[lang];
      /** Each step: no English of the flow on a German screen, no text cut off, screenshots. */
      const look = async (step: string, focus?: Locator) => {
        if (lang === 'de') await expectNoEnglish(page, step);
        expect(await clippedText(page), `clipped text on the ${step} step`).toEqual([]);
        await shoot(page, lang, step, focus);
      };
      await page.goto(`${page.url().split('#')[0]}#/new-send`);
      await expect(page.getByLabel(w.connection, { exact: true })).toHaveValue('Sandbox');
      const mailing = page.getByLabel(w.mailing, { exact: true });
      await mailing.selectOption({ label: (await mailing.locator('option', { hasText: 'Weekly newsletter' }).textContent())! });

      // A file that cannot be read: the reason in the operator's language, naming the file as they know it.
      const broken = writeText(test.info().outputPath('kaputt.xlsx'), ['das ist keine Arbeitsmappe']);
      await page.getByLabel(w.chooseFile, { exact: true }).setInputFiles(broken);
      await expect(page.getByRole('alert')).toContainText(w.brokenHeadline);
      await look('1-file-error', page.getByRole('alert'));

      await page.getByLabel(w.chooseFile, { exact: true }).setInputFiles(e2eFixture('empfaenger.csv'));
      await expect(page.getByTestId('detected-separator')).toBeVisible();
      await look('1-file', page.getByTestId('detected-separator'));

      await page.getByRole('button', { name: w.toMapping }).click();
      await expect(page.getByRole('button', { name: w.toCheck })).toBeEnabled();
      await look('2-mapping');

      await page.getByRole('button', { name: w.toCheck }).click();
      await expect(page.getByTestId('count-rows')).toHaveText('4');
      await expect(page.getByRole('table', { name: w.problems })).toBeVisible();
      // The check's duration with one decimal in the language's form (0,4 s / 0.4 s).
      await expect(page.getByText(lang === 'de' ? /^Geprüft in \d+,\d s\.$/ : /^Checked in \d+\.\d s\.$/)).toBeVisible();
      if (lang === 'de') {
        await expect(page.getByRole('table', { name: w.problems })).toContainText('Keine gültige E-Mail-Adresse');
        await expect(page.getByRole('table', { name: w.problems })).toContainText('„lena.weber(at)example.com“ ist keine gültige E-Mail-Adresse');
      }
      await look('3-check', page.getByRole('table', { name: w.problems }));

      await page.getByRole('button', { name: w.addProducts }).click();
      await page.getByLabel(w.chooseCatalog, { exact: true }).setInputFiles(e2eFixture('produkte.csv'));
      await page.getByRole('button', { name: w.checkCatalog }).click();
      await expect(page.getByRole('status').filter({ hasText: w.catalogComplete })).toBeVisible();
      await look('4-products', page.getByRole('status').filter({ hasText: w.catalogComplete }));

      await page.getByRole('button', { name: w.toSend }).click();
      await expect(page.getByRole('heading', { name: w.sendHeading })).toBeVisible();
      await look('5-send');

      // The confirmation, with a time to schedule: nothing is sent, the dialog is cancelled.
      await page.getByRole('button', { name: w.real }).click();
      const dialog = page.getByRole('dialog', { name: w.realDialog });
      await dialog.getByRole('radio', { name: w.later }).check();
      await dialog.getByLabel(w.at).fill('2099-01-01 09:30');
      await expect(dialog.getByTestId('confirm-when')).toHaveText(lang === 'de' ? '01.01.2099 09:30:00' : '01/01/2099 09:30:00');
      await look('6-confirm');
      await dialog.getByRole('button', { name: w.cancel }).click();
      await expect(dialog).toBeHidden();
    });
  });
}

test.describe('Check findings in German', () => {
  test.use({ sandbox: true, locale: 'de-DE', viewport: { width: 1024, height: 700 } });

  test('risky values, tidied values and rows naming another source mailing are explained in German, with nothing clipped', async ({ app: page }) => {
    await page.goto(`${page.url().split('#')[0]}#/new-send`);
    const mailing = page.getByLabel('Quellmailing', { exact: true });
    const mailingIds = () => mailing.locator('option').evaluateAll((o) => o.map((x) => (x as HTMLOptionElement).value).filter((v) => /^\d+$/.test(v)));
    // The list of source mailings arrives after the screen: read it once it holds the client's mailings (two at least).
    await expect.poll(async () => (await mailingIds()).length).toBeGreaterThan(1);
    const ids = await mailingIds();
    await mailing.selectOption({ label: (await mailing.locator('option', { hasText: 'Weekly newsletter' }).textContent())! });
    const chosen = await mailing.inputValue();
    const other = ids.find((id) => id !== chosen)!;
    // Line 3 names another source mailing; a line break, formulas and spaces to trim on others.
    const file = test.info().outputPath('befunde.csv');
    writeText(file, [
      'E-Mail;broadmail_ID;Vorname;Nachname',
      `anna@example.com;${chosen};"Zeile\neins";Schmidt`,
      `bernd@example.com;${other};Bernd;"=HYPERLINK(""https://evil.example/x"";""Klick"")"`,
      `  carl@example.com ;${chosen};Carl;@SUM(A1)`,
    ]);
    await page.getByLabel('Empfängerliste auswählen', { exact: true }).setInputFiles(file);
    await page.getByRole('button', { name: 'Weiter zur Zuordnung' }).click();
    await page.getByRole('button', { name: 'Weiter zur Prüfung' }).click();

    const alert = page.getByRole('alert').filter({ hasText: 'anderes Quellmailing' });
    await expect(alert).toContainText('1 Zeile nennt ein anderes Quellmailing');
    await expect(alert).toContainText(`nennt ${other} in Zeile 3`);
    await expect(page.getByTestId('check-blocked')).toHaveText('Klären Sie zuerst die Zeilen, die ein anderes Quellmailing nennen (siehe oben).');
    await expect(page.getByTestId('flag-line-breaks')).toContainText('1 Wert mit Zeilenumbruch (Zeilen 2).');
    await expect(page.getByTestId('flag-formulas')).toContainText('2 Werte, die eine Tabellenkalkulation als Formel ausführen würde');
    await page.getByText(/Automatisch bereinigte Werte \(\d+\): jede Änderung anzeigen/).click();
    await expect(page.getByRole('list', { name: 'Bereinigte Werte nach Art' })).toContainText('Leerzeichen um den Wert entfernt: 1');
    await expectNoEnglish(page, 'findings');
    expect(await clippedText(page), 'clipped text on the findings').toEqual([]);
    await shoot(page, 'de', '3-check-findings', alert);
    await shoot(page, 'de', '3-check-findings-risky', page.getByTestId('flag-formulas'));

    // One click fills the chosen mailing; checked again, every row can go.
    await alert.getByRole('button', { name: `${chosen} für jede Zeile verwenden` }).click();
    await page.getByRole('button', { name: 'Erneut prüfen' }).click();
    await expect(page.getByText('Alle 3 Zeilen können gesendet werden')).toBeVisible();
    await expectNoEnglish(page, 'findings after the fix');
  });
});
