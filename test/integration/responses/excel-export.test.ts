import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_SHEET_DATA_ROWS, exportMailingReport, exportRows, type ExportProgress } from '../../../main/services/responses/excel-export';
import { ZipFile, counter, openDb, rawRows, useFixtureDb } from '../../unit/responses/helpers';

const store = useFixtureDb('loopdesk-export-');

const unescapeXml = (s: string) => s.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#x([0-9a-f]+);/gi, (_m, h: string) => String.fromCodePoint(parseInt(h, 16))).replace(/&amp;/g, '&');

/** Every text cell value of a sheet's XML (inline or shared strings). */
function sheetTexts(zip: ZipFile, sheetXml: string): string[] {
  const shared = zip.names().includes('xl/sharedStrings.xml') ? [...zip.text('xl/sharedStrings.xml').matchAll(/<si>([\s\S]*?)<\/si>/g)].map((m) => m[1]!) : [];
  const texts: string[] = [];
  for (const m of sheetXml.matchAll(/<c ([^>]*)>([\s\S]*?)<\/c>/g)) {
    const attrs = m[1]!;
    const body = m[2]!;
    if (/t="str"/.test(attrs)) {
      // A string value with no <f>: what ExcelJS writes for plain strings without shared strings.
      texts.push(unescapeXml(/<v>([\s\S]*?)<\/v>/.exec(body)?.[1] ?? ''));
      continue;
    }
    const raw = /t="s"/.test(attrs) ? shared[Number(/<v>(\d+)<\/v>/.exec(body)![1])]! : /t="inlineStr"/.test(attrs) ? body : null;
    if (raw === null) continue;
    texts.push(unescapeXml([...raw.matchAll(/<t[^>]*>([\s\S]*?)<\/t>/g)].map((t) => t[1]).join('')));
  }
  return texts;
}

describe('Excel export (read back without ExcelJS)', () => {
  it('writes a grid view as typed, inert cells with a frozen header', async () => {
    const out = join(store.dir, 'clicks.xlsx');
    const progress: ExportProgress[] = [];
    const result = await exportRows(store.db, {
      query: { view: 'clicks_with_links', sortModel: [{ colId: 'created', sort: 'asc' }] },
      outPath: out,
      onProgress: (p) => progress.push(p),
    });
    expect(result).toMatchObject({ rows: 7, sheets: ['Clicks'] });
    expect(progress.at(-1)).toMatchObject({ done: true, rowsWritten: 7, totalRows: 7 });
    expect(readdirSync(store.dir).filter((f) => f.endsWith('.partial'))).toEqual([]);

    const zip = ZipFile.open(out);
    const xml = zip.text('xl/worksheets/sheet1.xml');
    expect(xml).not.toMatch(/<f[ >]/);
    expect(xml).toMatch(/<pane [^>]*ySplit="1"[^>]*state="frozen"|<pane [^>]*state="frozen"[^>]*ySplit="1"/);
    expect(xml).toMatch(/<col [^>]*width="/);
    const texts = sheetTexts(zip, xml);
    for (const dangerous of ['=1+2', '+SUM(A1:A2)', '-3', '@cmd', '\tTabbed', 'Firefox; 64 "quoted"\nsecond line', '=HYPERLINK("http://evil.example/x";"click me")']) {
      expect(texts, dangerous).toContain(dangerous);
    }
    expect(texts.slice(0, 3)).toEqual(['Link ID', 'Link name', 'URL']);
    // Row 2 (earliest click): link ID as a number cell, time as a date-formatted number.
    const row2 = /<row r="2"[^>]*>([\s\S]*?)<\/row>/.exec(xml)![1]!;
    expect(row2).toMatch(/<c r="A2"[^>]*><v>44018617936<\/v><\/c>/);
    const timeCell = /<c r="H2" s="(\d+)"[^>]*><v>([\d.]+)<\/v><\/c>/.exec(row2)!;
    // 2021-01-01 12:30:00 as an Excel serial day number.
    expect(Number(timeCell[2])).toBeCloseTo(44197 + 12.5 / 24, 6);
    const styles = zip.text('xl/styles.xml');
    // Dates in the reader's form: British English by default.
    expect(styles).toContain('formatCode="dd/mm/yyyy hh:mm:ss"');
  });

  it('writes a mailing report with KPIs, their formulas, links and detail sheets', async () => {
    const out = join(store.dir, 'report.xlsx');
    const result = await exportMailingReport(store.db, { mailingId: '51106527229', outPath: out, now: new Date(2026, 11, 6, 9, 30, 5) });
    expect(result.sheets).toEqual(['KPIs', 'Bounces by category', 'Clicks per link', 'Activity per hour', 'Devices', 'Recipients', 'Opens', 'Clicks', 'Unsubscribes', 'Responses']);
    const zip = ZipFile.open(out);
    const workbook = zip.text('xl/workbook.xml');
    expect(workbook).toContain('name="Clicks per link"');
    for (let i = 1; i <= result.sheets.length; i++) expect(zip.text(`xl/worksheets/sheet${i}.xml`)).not.toMatch(/<f[ >]/);
    const kpiTexts = sheetTexts(zip, zip.text('xl/worksheets/sheet1.xml'));
    expect(kpiTexts).toContain('Click-to-open rate');
    expect(kpiTexts).toContain('unique clickers / unique opens');
    // The sheet names its mailing and when it was written, above the table.
    expect(kpiTexts.slice(0, 2)).toEqual(['Mailing', '51106527229']);
    expect(kpiTexts).toContain('Report written');
    expect(kpiTexts.some((t) => t.startsWith('06/12/2026 09:30:05 (UTC'))).toBe(true);
    // Rates are numbers formatted as percentages, in their own column.
    const styles = zip.text('xl/styles.xml');
    const percent = /<numFmt numFmtId="(\d+)" formatCode="0\.0%"\/>/.exec(styles);
    expect(percent, 'a 0.0% number format').not.toBeNull();
    expect(kpiTexts).toContain('Rate');
    const recipients = rawRows('mailingrecipients').filter((r) => r.mailingId === '51106527229').length;
    expect([...zip.text('xl/worksheets/sheet6.xml').matchAll(/<row /g)]).toHaveLength(recipients + 1);
    expect(sheetTexts(zip, zip.text('xl/worksheets/sheet3.xml'))).toContain('=HYPERLINK("http://evil.example/x";"click me")');
  });

  it('writes the report in German when asked: sheet names, headers, KPI texts, the written-at line, German date and percent formats', async () => {
    const out = join(store.dir, 'bericht.xlsx');
    const result = await exportMailingReport(store.db, { mailingId: '51106527229', outPath: out, now: new Date(2026, 11, 6, 9, 30, 5), language: 'de' });
    expect(result.sheets).toEqual(['Kennzahlen', 'Bounces nach Kategorie', 'Klicks je Link', 'Aktivität je Stunde', 'Geräte', 'Empfänger', 'Öffnungen', 'Klicks', 'Abmeldungen', 'Rückläufer']);
    const zip = ZipFile.open(out);
    const kpiTexts = sheetTexts(zip, zip.text('xl/worksheets/sheet1.xml'));
    expect(kpiTexts.slice(0, 2)).toEqual(['Mailing', '51106527229']);
    expect(kpiTexts).toContain('Bericht erstellt');
    expect(kpiTexts.some((t) => t.startsWith('06.12.2026 09:30:05 (UTC'))).toBe(true);
    for (const text of ['Kennzahl', 'Anzahl', 'Rate', 'Was sie zählt', 'Genaue Definition', 'Öffnungsrate', 'Klickrate der Öffner', 'klickende Empfänger / eindeutige Öffnungen']) expect(kpiTexts, text).toContain(text);
    expect(kpiTexts).not.toContain('Open rate');
    expect(sheetTexts(zip, zip.text('xl/worksheets/sheet3.xml')).slice(0, 5)).toEqual(['Link-ID', 'Linkname', 'URL', 'Klicks', 'Klickende Empfänger']);
    expect(sheetTexts(zip, zip.text('xl/worksheets/sheet6.xml'))).toContain('Empfänger');
    // The vendor's device words read in the report's language, as on the charts ("Mobile" is "Mobilgerät").
    const devices = sheetTexts(zip, zip.text('xl/worksheets/sheet5.xml'));
    expect(devices).toContain('Mobilgerät');
    expect(devices).not.toContain('Mobile');
    const styles = zip.text('xl/styles.xml');
    expect(styles).toContain('formatCode="0.0 %"');
    expect(styles).toContain('formatCode="dd.mm.yyyy hh:mm:ss"');
    expect(styles).not.toContain('formatCode="dd/mm/yyyy hh:mm:ss"');
  });

  it('leaves no file behind when the export fails', async () => {
    const out = join(store.dir, 'missing-dir', 'x.xlsx');
    await expect(exportRows(store.db, { query: { view: 'clicks' }, outPath: out })).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    expect(existsSync(`${out}.partial`)).toBe(false);
    expect(existsSync(out)).toBe(false);
  });

  it('leaves no file behind when the query fails after the writer thread started', async () => {
    const broken = await openDb(join(store.dir, 'broken.duckdb'));
    try {
      await broken.run('DROP TABLE unsubscribes');
      const out = join(store.dir, 'broken.xlsx');
      await expect(exportRows(broken, { query: { view: 'unsubscribes' }, outPath: out })).rejects.toThrow(/unsubscribes/i);
      expect(existsSync(`${out}.partial`)).toBe(false);
      expect(existsSync(out)).toBe(false);
    } finally {
      await broken.close();
    }
  });

  it('writes very long texts (split into several writer batches) truncated to the Excel cell limit, in order', async () => {
    // 120 rows x 40,000 chars = 4.8M chars: more than one batch to the writer thread, whose heap is capped.
    const rows = 120;
    await store.db.run(
      `INSERT INTO opens SELECT 1, 999, i, 2, 'long' || i, TIMESTAMP '2022-01-01 00:00:00' + to_seconds(i),
         lpad(CAST(i AS VARCHAR), 5, '0') || repeat('é', 39995), 'P', 'D', 0 FROM range(${rows}) t(i)`,
    );
    const out = join(store.dir, 'long.xlsx');
    const progress: ExportProgress[] = [];
    const result = await exportRows(store.db, {
      query: { view: 'opens', scope: { mailingId: '999' }, sortModel: [{ colId: 'mailing_to_user_id', sort: 'asc' }] },
      outPath: out,
      onProgress: (p) => progress.push(p),
    });
    expect(result).toMatchObject({ rows, sheets: ['Opens'] });
    expect(progress.at(-1)).toMatchObject({ rowsWritten: rows, totalRows: rows, done: true });
    const zip = ZipFile.open(out);
    const texts = sheetTexts(zip, zip.text('xl/worksheets/sheet1.xml')).filter((t) => t.length > 1000);
    expect(texts).toHaveLength(rows);
    texts.forEach((t, i) => {
      expect(t).toHaveLength(32_767);
      expect(t.slice(0, 6)).toBe(`${String(i).padStart(5, '0')}é`);
    });
    await store.db.run('DELETE FROM opens WHERE mailing_id = 999');
  });

  it('continues on a second sheet, header repeated, when rows exceed one sheet', { timeout: 240_000 }, async () => {
    const extra = 5;
    const total = MAX_SHEET_DATA_ROWS + extra;
    await store.db.run(`DELETE FROM clicks`);
    await store.db.run(
      `INSERT INTO clicks SELECT 44018617936, 51106527229, i, 44018617811, 'u' || i || '@example.com', TIMESTAMP '2021-01-01 00:00:00' + to_seconds(i),
         'Browser', 'Platform', 'Desktop', 0 FROM range(${total}) t(i)`,
    );
    const out = join(store.dir, 'big.xlsx');
    const progress: ExportProgress[] = [];
    const result = await exportRows(store.db, {
      query: { view: 'clicks', sortModel: [{ colId: 'mailing_to_user_id', sort: 'asc' }] },
      outPath: out,
      onProgress: (p) => progress.push(p),
    });
    expect(result).toMatchObject({ rows: total, sheets: ['Clicks (file)', 'Clicks (file) (2)'] });
    expect(progress.length).toBeGreaterThan(100);
    expect(progress.at(-1)).toMatchObject({ rowsWritten: total, totalRows: total, done: true });

    const zip = ZipFile.open(out);
    const rows1 = counter('<row ');
    const formulas1 = counter('<f>');
    await zip.scan('xl/worksheets/sheet1.xml', (t) => {
      rows1.feed(t);
      formulas1.feed(t);
    });
    expect(rows1.count).toBe(MAX_SHEET_DATA_ROWS + 1);
    expect(formulas1.count).toBe(0);
    const sheet2 = zip.text('xl/worksheets/sheet2.xml');
    const rows2 = [...sheet2.matchAll(/<row r="(\d+)"[^>]*>([\s\S]*?)<\/row>/g)];
    expect(rows2).toHaveLength(extra + 1);
    expect(sheetTexts(zip, rows2[0]![0]).slice(0, 2)).toEqual(['Link ID', 'Mailing ID']);
    // Column C = mailing_to_user_id: the rows after the first sheet's last, in order.
    const ids = rows2.slice(1).map((r) => Number(/<c r="C\d+"[^>]*><v>(\d+)<\/v>/.exec(r[2]!)![1]));
    expect(ids).toEqual([...Array(extra).keys()].map((k) => MAX_SHEET_DATA_ROWS + k));
  });
});
