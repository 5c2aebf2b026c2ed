import { readFileSync } from 'node:fs';
import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import ExcelJS from 'exceljs';
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { shootBoth } from './shots';

/** The catalog areas of the Responses screen, its grids, KPIs, charts and report. */
const AREAS = ['responses', 'grid', 'kpi', 'report', 'error-responses'] as const;

/** One catalog file (read as JSON: Playwright's loader imports no JSON modules). */
function catalog(lang: 'en' | 'de', area: string): Record<string, string> {
  return JSON.parse(readFileSync(new URL(`../../shared/i18n/catalog/${lang}/${area}.json`, import.meta.url), 'utf8')) as Record<string, string>;
}

/** The literal text pieces of an ICU message (between placeholders, inside plural and select branches and tags). */
function literals(elements: MessageFormatElement[], into: string[] = []): string[] {
  for (const el of elements) {
    if (el.type === TYPE.literal) into.push(el.value);
    else if (el.type === TYPE.plural || el.type === TYPE.select) for (const option of Object.values(el.options)) literals(option.value, into);
    else if (el.type === TYPE.tag) literals(el.children, into);
  }
  return into;
}

/**
 * English text pieces of these areas that must not show on a German screen: each message's
 * literal fragments with at least 4 letters, skipping messages the same in both languages and
 * fragments German uses too (column names in formulas, product words such as "Mailing").
 */
function englishFragments(): string[] {
  const german = AREAS.flatMap((area) => Object.values(catalog('de', area))).join('\n');
  const fragments = new Set<string>();
  for (const area of AREAS) {
    const de = catalog('de', area);
    for (const [key, en] of Object.entries(catalog('en', area))) {
      // The vendor's device words are also parts of names the server sends ("Chrome Mobile 126.0"): checked on their own below.
      if (de[key] === en || key.startsWith('responses.chart.word.')) continue;
      for (const piece of literals(parse(en))) {
        const fragment = piece.trim();
        if ((fragment.match(/[A-Za-z]/g) ?? []).length < 4) continue;
        if (german.includes(fragment)) continue;
        fragments.add(fragment);
      }
    }
  }
  return [...fragments];
}

/** English fragments in the visible text of `scope`. */
async function englishIn(scope: Locator, fragments: readonly string[]): Promise<string[]> {
  const text = await scope.evaluate((el) => (el as HTMLElement).innerText);
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // Whole words only, and not inside a file name (`20261107_mailings.csv` is data).
  return fragments.filter((f) => new RegExp(`(?<![\\wÄÖÜäöüß/-])${escape(f)}(?![\\wÄÖÜäöüß])(?!\\.[A-Za-z])`).test(text));
}

/**
 * Elements whose text does not fit their box: text cut off (wider or taller than the box
 * while the box hides the overflow, ellipsis included) or sticking out of the screen area.
 * Grid cells hold data and may end in an ellipsis by design; grid headers may not.
 */
async function overflowing(scope: Locator): Promise<string[]> {
  return scope.evaluate((root) => {
    const found: string[] = [];
    const right = root.getBoundingClientRect().right;
    for (const el of root.querySelectorAll<HTMLElement>('*')) {
      // Data cells may end in an ellipsis by design; text only for screen readers (AG Charts' proxies too) is clipped on purpose.
      if (el.closest('.ag-cell, .visually-hidden, [class*="ag-charts-proxy"], .ag-aria-description-container, details:not([open]) > :not(summary)')) continue;
      const own = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && (n.textContent ?? '').trim() !== '');
      if (!own || el.offsetParent === null) continue;
      const style = getComputedStyle(el);
      const hides = style.overflowX !== 'visible' || style.textOverflow === 'ellipsis';
      const cut = hides && (el.scrollWidth > el.clientWidth + 1 || (style.overflowY !== 'visible' && el.scrollHeight > el.clientHeight + 2));
      // The grids and tables scroll sideways by design: columns beyond their edge are not cut off.
      const out = !el.closest('.ag-root-wrapper, .table-scroll') && el.getBoundingClientRect().right > right + 1;
      if (cut || out) found.push(`${el.tagName.toLowerCase()}.${el.className}: “${(el.textContent ?? '').trim().slice(0, 60)}” (${el.scrollWidth}×${el.scrollHeight} in ${el.clientWidth}×${el.clientHeight}${out ? ', outside the screen' : ''})`);
    }
    return found;
  });
}

/** The Responses screen, the part of the window this spec is about. */
const screen = (page: Page) => page.locator('section.responses-screen');

for (const lang of [
  {
    code: 'de',
    locale: 'de-DE',
    t: {
      title: 'Reaktionsdaten',
      pull: 'Jetzt abrufen',
      pulled: /^\d+ Dateien? abgerufen:/,
      mailings: 'Mailings mit Reaktionen',
      kpisOf: /^Kennzahlen von Mailing \d+ anzeigen$/,
      report: /^Kennzahlen von Mailing \d+$/,
      openRate: 'Öffnungsrate',
      percent: /^\d+(,\d)?\s%$/,
      timeline: 'Öffnungen und Klicks im Zeitverlauf',
      span: /^Je Stunde, von \d{2}\.\d{2}\.\d{4} \d{2}:\d{2} bis \d{2}\.\d{2}\.\d{4} \d{2}:\d{2} \(Serverzeit\)/,
      devices: 'Geräte: Öffnungen und Klicks',
      unknown: 'Unbekannt',
      download: 'Excel-Bericht herunterladen',
      offered: 'zum Herunterladen angeboten',
      browse: 'Klicks durchsuchen',
      browseRegion: 'Reaktionsdaten durchsuchen',
      grid: 'Tabelle Klicks mit Linkname und URL',
      time: 'Zeitpunkt',
      recipient: 'Empfänger',
      rows: /^[\d.]+ Zeilen?$/,
      noRows: '0 Zeilen',
      oldDay: '01.01.2000',
      filterInput: 'Filtereingabe',
      filterMenu: 'Filtermenü öffnen',
      contains: 'Enthält',
      dayForm: 'TT.MM.JJJJ',
      cellTime: /^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}:\d{2}$/,
      view: 'Ansicht',
      bounces: 'Bounces nach Kategorie',
      classes: /^(Hardbounce|Softbounce)$/,
      files: 'Dateien',
      filesTable: 'Reaktionsdateien',
      suppression: 'Sperrliste',
      suppressed: 'Gesperrte Adressen',
      sheets: ['Kennzahlen', 'Bounces nach Kategorie', 'Klicks je Link', 'Aktivität je Stunde', 'Geräte', 'Empfänger', 'Öffnungen', 'Klicks', 'Abmeldungen', 'Rückläufer'],
      kpiHeader: ['Kennzahl', 'Anzahl', 'Rate', 'Was sie zählt', 'Genaue Definition'],
      written: 'Bericht erstellt',
      writtenAt: /^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}:\d{2} \(UTC[+-]\d{2}:\d{2}\)$/,
      percentFormat: '0.0 %',
    },
  },
  {
    code: 'en',
    locale: 'en-GB',
    t: {
      title: 'Responses',
      pull: 'Pull now',
      pulled: /^Pulled \d+ files?:/,
      mailings: 'Response mailings',
      kpisOf: /^Show KPIs of mailing \d+$/,
      report: /^KPIs of mailing \d+$/,
      openRate: 'Open rate',
      percent: /^\d+(\.\d)?%$/,
      timeline: 'Opens and clicks over time',
      span: /^Per hour, from \d{2}\/\d{2}\/\d{4} \d{2}:\d{2} to \d{2}\/\d{2}\/\d{4} \d{2}:\d{2} \(server time\)/,
      devices: 'Devices: opens and clicks',
      unknown: 'Unknown',
      download: 'Download the Excel report',
      offered: 'offered as a download',
      browse: 'Browse the clicks',
      browseRegion: 'Browse response data',
      grid: 'Clicks with link name and URL grid',
      time: 'Time',
      recipient: 'Recipient',
      rows: /^[\d,]+ rows?$/,
      noRows: '0 rows',
      oldDay: '01/01/2000',
      filterInput: 'Filter Input',
      filterMenu: 'Open Filter Menu',
      contains: 'Contains',
      dayForm: 'dd/mm/yyyy',
      cellTime: /^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2}$/,
      view: 'View',
      bounces: 'Bounces by category',
      classes: /^(hard|soft)$/,
      files: 'Files',
      filesTable: 'Response files',
      suppression: 'Suppression list',
      suppressed: 'Suppressed addresses',
      sheets: ['KPIs', 'Bounces by category', 'Clicks per link', 'Activity per hour', 'Devices', 'Recipients', 'Opens', 'Clicks', 'Unsubscribes', 'Responses'],
      kpiHeader: ['KPI', 'Count', 'Rate', 'What it counts', 'Exact definition'],
      written: 'Report written',
      writtenAt: /^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2} \(UTC[+-]\d{2}:\d{2}\)$/,
      percentFormat: '0.0%',
    },
  },
] as const) {
  test.describe(`Responses in ${lang.locale}`, () => {
    // The app follows the browser's language on first start; the sandbox seeds ~60 days of mailings to pull.
    test.use({ locale: lang.locale, sandbox: true, sandboxHistory: true });

    test('pull, mailings, KPIs, charts, grids, the Excel report, files and suppression list speak the language, and no text is cut off', async ({ app: page }) => {
      test.setTimeout(240_000);
      const t = lang.t;
      const english = englishFragments();
      expect(english.length, 'English fragments to look for').toBeGreaterThan(100);
      const check = async (what: string) => {
        // On the English screen these fragments are the point; on the German one none may show.
        const found = await englishIn(screen(page), english);
        if (lang.code === 'de') expect(found, `${what}: English text on a ${lang.locale} screen`).toEqual([]);
        else expect(found.length, `${what}: the English screen shows the English texts`).toBeGreaterThan(0);
        expect(await overflowing(screen(page)), `${what}: text that does not fit its box`).toEqual([]);
      };
      await page.setViewportSize({ width: 1024, height: 700 });
      await page.goto(`${page.url().split('#')[0]}#/responses`);
      await expect(page.getByRole('heading', { level: 1, name: t.title })).toBeVisible();

      // Pull until the demo history's mailings are in (the sandbox writes them in the background after start).
      const mailings = page.getByRole('table', { name: t.mailings });
      await expect(async () => {
        await page.getByRole('button', { name: t.pull, exact: true }).click();
        await expect(page.getByRole('status').filter({ hasText: t.pulled })).toBeVisible({ timeout: 20_000 });
        await expect(mailings.getByRole('row').nth(20)).toBeVisible({ timeout: 2_000 });
      }).toPass({ timeout: 150_000, intervals: [2_000, 3_000] });
      await check('mailings');
      await shootBoth(page, `resp-${lang.code}-10-mailings`);

      // KPIs of a mailing about two weeks old, with its charts.
      await mailings.getByRole('row').nth(7).getByRole('button', { name: t.kpisOf }).click();
      const report = page.getByRole('region', { name: t.report });
      await expect(report.getByTestId('kpi-openRate')).toHaveText(t.percent);
      await expect(report.getByRole('listitem', { name: t.openRate, exact: true })).toBeVisible();
      const timeline = report.getByRole('figure', { name: t.timeline });
      await expect(timeline.locator('canvas').first()).toBeVisible();
      await expect(timeline.locator('.chart-subtitle')).toHaveText(t.span);
      await expect(report.getByRole('figure', { name: t.devices }).getByTestId('bar-label').first()).toBeVisible();
      // The vendor's own word for an unrecognised device (the sandbox's image proxy) in the reader's language.
      await expect(report.getByRole('figure', { name: t.devices }).getByTestId('bar-label').filter({ hasText: new RegExp(`^${t.unknown}$`) })).toBeVisible();
      for (const details of await report.locator('details.kpi-definition').all()) await details.locator('summary').click();
      await check('KPIs and charts');
      await shootBoth(page, `resp-${lang.code}-20-kpis`, report.getByRole('list').first());
      await shootBoth(page, `resp-${lang.code}-21-charts`, timeline);
      await shootBoth(page, `resp-${lang.code}-22-devices`, report.getByRole('figure', { name: t.devices }));

      // The Excel report, in the window's language.
      const download = page.waitForEvent('download');
      await report.getByRole('button', { name: t.download }).click();
      const file = await download;
      await expect(report.getByRole('status').filter({ hasText: t.offered })).toBeVisible();
      await check('report written');
      const book = new ExcelJS.Workbook();
      await book.xlsx.readFile((await file.path())!);
      expect(book.worksheets.map((w) => w.name)).toEqual(t.sheets);
      const kpis = book.worksheets[0]!;
      const labels = kpis.getColumn(1).values as unknown[];
      expect(String(kpis.getCell(labels.indexOf(t.written), 2).value)).toMatch(t.writtenAt);
      const header = labels.indexOf(t.kpiHeader[0]);
      expect(kpis.getRow(header).values).toEqual([undefined, ...t.kpiHeader]);
      const openRate = kpis.getRow(labels.indexOf(t.openRate));
      expect(typeof openRate.getCell(3).value).toBe('number');
      expect(openRate.getCell(3).numFmt).toBe(t.percentFormat);

      // Browse the clicks: titles, AG Grid's own texts, times and the date filter in the reader's form.
      await report.getByRole('link', { name: t.browse }).click();
      const browse = page.getByRole('region', { name: t.browseRegion });
      const grid = browse.getByRole('region', { name: t.grid });
      await expect(browse.getByTestId('row-count')).toHaveText(t.rows);
      await expect(grid.getByRole('columnheader', { name: t.time, exact: true })).toBeVisible();
      await expect(grid.getByRole('columnheader', { name: t.recipient, exact: true })).toBeVisible();
      await expect(grid.locator('[row-index] [role="gridcell"][col-id="created"]').first()).toHaveText(t.cellTime);
      const all = (await browse.getByTestId('row-count').textContent())!;
      // The time column's floating filter takes a day in the reader's form.
      const dateBox = grid.getByRole('textbox', { name: `${t.time} ${t.filterInput}` });
      await expect(dateBox).toHaveAttribute('placeholder', t.dayForm);
      await dateBox.fill(t.oldDay);
      await expect(browse.getByTestId('row-count')).toHaveText(t.noRows);
      await dateBox.fill('');
      await expect(browse.getByTestId('row-count')).toHaveText(all);
      await check('browse clicks');
      await shootBoth(page, `resp-${lang.code}-30-grid`, grid);
      // AG Grid's filter menu in the language too.
      // The floating filters' buttons, in column order: time, recipient, …
      await grid.getByRole('button', { name: t.filterMenu }).nth(1).click();
      const menu = page.locator('.ag-filter').first();
      await expect(menu).toBeVisible();
      await expect(menu.getByRole('combobox').first()).toContainText(t.contains);
      await shootBoth(page, `resp-${lang.code}-31-grid-filter`, menu);
      await page.keyboard.press('Escape');

      // A computed view: the bounce class in words.
      await browse.getByLabel(t.view).selectOption('bounces_by_category');
      const bounces = browse.getByRole('region', { name: lang.code === 'de' ? `Tabelle ${t.bounces}` : `${t.bounces} grid` });
      await expect(bounces.locator('[row-index] [role="gridcell"][col-id="bounce_class"]').first()).toHaveText(t.classes);
      await check('bounces by category');
      await shootBoth(page, `resp-${lang.code}-32-grid-bounces`, bounces);

      // The file ledger and the suppression list.
      await page.getByRole('tab', { name: t.files }).click();
      await expect(page.getByRole('table', { name: t.filesTable })).toBeVisible();
      await check('files');
      await shootBoth(page, `resp-${lang.code}-40-files`);
      await page.getByRole('tab', { name: t.suppression }).click();
      await expect(page.getByRole('table', { name: t.suppressed })).toBeVisible();
      await check('suppression list');
      await shootBoth(page, `resp-${lang.code}-50-suppression`);
    });
  });
}
