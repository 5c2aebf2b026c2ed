import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import type { AppError } from '../../../shared/contract/result';
import { errorText } from '../../../shared/i18n/error-text';
import { appIntl } from '../../../shared/i18n/intl';
import { xlsxBatches } from '../../../main/services/recipients/xlsx-reader';
import { SharedStrings } from '../../../main/services/recipients/xlsx/shared-strings';
import { buildXlsx, buildZip, type XCell } from '../../fixtures/recipients/zip-writer';
import { buildFuzzZip } from '../../helpers/fuzz-zip';
import { compareXlsxReaders, readsAsWorkbook } from '../../helpers/xlsx-oracle-compare';

const FIX = join(process.cwd(), 'test/fixtures/recipients');
const tmp = mkdtempSync(join(tmpdir(), 'loopdesk-xlsx-'));

async function rows(path: string, sheet?: string): Promise<{ line: number; values: readonly string[] }[]> {
  const out = [];
  for await (const b of xlsxBatches(path, sheet, { sheets: [] }, statSync(path).size, 3)) out.push(...b.rows);
  return out;
}

const NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';
const CT = '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>';
const WB = `<workbook ${NS}><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`;
const RELS =
  '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>';

/** A workbook with one hand-written sheet (and optional shared strings / styles / workbook part). */
function workbook(name: string, sheetData: string, extra: { sst?: string; styles?: string; workbook?: string } = {}): string {
  const path = join(tmp, name);
  writeFileSync(
    path,
    buildZip([
      { name: '[Content_Types].xml', data: CT },
      { name: 'xl/workbook.xml', data: extra.workbook ?? WB },
      { name: 'xl/_rels/workbook.xml.rels', data: RELS },
      { name: 'xl/worksheets/sheet1.xml', data: `<worksheet ${NS}><sheetData>${sheetData}</sheetData></worksheet>` },
      ...(extra.sst ? [{ name: 'xl/sharedStrings.xml', data: `<sst ${NS}>${extra.sst}</sst>` }] : []),
      ...(extra.styles ? [{ name: 'xl/styles.xml', data: `<styleSheet ${NS}>${extra.styles}</styleSheet>` }] : []),
    ]),
  );
  return path;
}

/** Compares both readers; fails with the difference, or gives the number of equal rows (true when both refused). */
async function same(path: string, sheet?: string): Promise<number | true> {
  const cmp = await compareXlsxReaders(path, sheet);
  expect(cmp.difference ?? 'no difference').toBe('no difference');
  return cmp.bothRefused ? true : cmp.rows;
}

describe('xlsx reader against the ExcelJS reader it replaced', () => {
  const fixtures = readdirSync(FIX).filter((n) => readsAsWorkbook(join(FIX, n)));

  it.each(fixtures)('fixture %s: same rows or both refuse clearly', async (name) => {
    expect(await same(join(FIX, name))).toEqual(name === 'recipients.xlsx' ? 6 : true);
  });

  it('every cell kind of a hand-built workbook, on each sheet', async () => {
    const cells: XCell[] = [{ s: '00123' }, { inline: 'a & <b>' }, { rich: ['Fett', ' normal'] }, { n: 0.1 }, { n: 123456789012345 }, { n: 45123.5, date: true }, { n: 2.5, fixed2: true }, { f: 'A1*2', n: 1e21 }, null, { n: -0 }];
    const path = join(tmp, 'kinds.xlsx');
    writeFileSync(
      path,
      buildXlsx([
        { name: 'Eins', rows: [{ r: 1, cells }, { r: 4, cells: [null, null, { s: '' }] }] },
        { name: 'Zwei', rows: [{ r: 2, cells: [{ n: 1 / 3 }, { n: 1e-7 }, { n: 45000, date: true }] }] },
      ]),
    );
    expect(await same(path)).toBe(2);
    expect(await same(path, 'Zwei')).toBe(1);
    expect((await rows(path))[0].values).toEqual(['00123', 'a & <b>', 'Fett normal', '0.1', '123456789012345', '2023-07-16 12:00:00', '2.50', '1000000000000000000000', '', '0']);
  });

  it('a workbook written by ExcelJS (shared strings, styles, dates, booleans, a formula)', async () => {
    const path = join(tmp, 'by-exceljs.xlsx');
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: true, useStyles: true });
    const ws = wb.addWorksheet('Daten');
    ws.addRow(['E-Mail', 'Datum', 'Aktiv', 'Betrag', 'Summe']).commit();
    for (let i = 0; i < 50; i++) {
      const row = ws.addRow([`user${i}@example.de`, new Date(Date.UTC(2024, 0, 1 + i, i % 24)), i % 2 === 0, i * 1.25, { formula: `D${i + 2}*2`, result: i * 2.5 }]);
      row.getCell(2).numFmt = i % 2 === 0 ? 'yyyy-mm-dd' : 'dd.mm.yyyy hh:mm';
      row.getCell(4).numFmt = '0.00';
      row.commit();
    }
    await wb.commit();
    expect(await same(path)).toBe(51);
    // ExcelJS reads the formula result 0 of the first data row as empty.
    expect((await compareXlsxReaders(path)).excelJsMistakes).toEqual({ 'formula result 0, FALSE or error dropped': 1 });
    expect((await rows(path))[2].values).toEqual(['user1@example.de', '2024-01-02 01:00:00', 'FALSE', '1.25', '2.5']);
  });
});

describe('xlsx reader: what Excel stores, where ExcelJS read it wrong', () => {
  it('joins the runs of a rich inline string (ExcelJS kept only the last run)', async () => {
    const path = workbook('rich-inline.xlsx', '<row r="1"><c r="A1" t="inlineStr"><is><r><rPr><b/></rPr><t>Fett</t></r><r><t xml:space="preserve"> und normal</t></r></is></c></row>');
    expect(await rows(path)).toEqual([{ line: 1, values: ['Fett und normal'] }]);
    expect((await compareXlsxReaders(path)).excelJsMistakes).toEqual({ 'inline rich text: last run only': 1 });
  });

  it('leaves phonetic guides out of shared and inline strings', async () => {
    const path = workbook('phonetic.xlsx', '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh></is></c></row>', {
      sst: '<si><t>大阪</t><rPh sb="0" eb="2"><t>オオサカ</t></rPh></si>',
    });
    expect(await rows(path)).toEqual([{ line: 1, values: ['大阪', '東京'] }]);
  });

  it('shows the cached result of formulas: errors as #N/A, booleans as TRUE (ExcelJS gave empty and 1)', async () => {
    const path = workbook('formula-kinds.xlsx', '<row r="1"><c r="A1" t="e"><f>VLOOKUP(1,B:B,1,0)</f><v>#N/A</v></c><c r="B1" t="b"><f>1=1</f><v>1</v></c><c r="C1" t="str"><f>"a"&amp;"b"</f><v>ab</v></c><c r="D1"><f>1+1</f></c><c r="E1" t="e"><v>#DIV/0!</v></c></row>');
    expect(await rows(path)).toEqual([{ line: 1, values: ['#N/A', 'TRUE', 'ab', '', '#DIV/0!'] }]);
    expect((await compareXlsxReaders(path)).excelJsMistakes).toEqual({ 'formula result 0, FALSE or error dropped': 1, 'formula boolean parsed as a number': 1 });
  });

  it('reads ISO date cells (t="d") as dates, not as their year (ExcelJS and our reader before gave 2024)', async () => {
    const path = workbook('iso-dates.xlsx', '<row r="1"><c r="A1" t="d"><v>2024-03-05T14:30:00</v></c><c r="B1" t="d"><v>2024-03-05T00:00:00</v></c><c r="C1" t="d"><v>not a date</v></c></row>');
    expect(await rows(path)).toEqual([{ line: 1, values: ['2024-03-05 14:30:00', '2024-03-05', 'not a date'] }]);
    expect((await compareXlsxReaders(path)).excelJsMistakes).toEqual({ 'ISO date cell (t="d") read as a number': 3 });
  });

  it('reads rows and cells without r (they follow the previous one) and prefixed tag names', async () => {
    const plain = workbook('no-refs.xlsx', '<row><c t="inlineStr"><is><t>a</t></is></c><c><v>1</v></c></row><row r="5"><c r="C5"><v>2</v></c><c><v>3</v></c></row><row><c t="b"><v>0</v></c></row>');
    expect(await rows(plain)).toEqual([
      { line: 1, values: ['a', '1'] },
      { line: 5, values: ['', '', '2', '3'] },
      { line: 6, values: ['FALSE'] },
    ]);
    const path = join(tmp, 'prefixed.xlsx');
    const X = 'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';
    writeFileSync(
      path,
      buildZip([
        { name: 'xl/workbook.xml', data: `<x:workbook ${X}><x:sheets><x:sheet name="P" sheetId="1" r:id="rId1"/></x:sheets></x:workbook>` },
        { name: 'xl/_rels/workbook.xml.rels', data: RELS },
        { name: 'xl/worksheets/sheet1.xml', data: `<x:worksheet ${X}><x:sheetData><x:row r="2"><x:c r="B2" t="inlineStr"><x:is><x:t>b@example.de</x:t></x:is></x:c></x:row></x:sheetData></x:worksheet>` },
      ]),
    );
    expect(await rows(path)).toEqual([{ line: 2, values: ['', 'b@example.de'] }]);
  });

  it('dates in the 1904 system and custom date formats', async () => {
    const styles = '<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy hh:mm"/></numFmts><cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="14"/></cellXfs>';
    const path = workbook('dates-1904.xlsx', '<row r="1"><c r="A1" s="1"><v>0.5</v></c><c r="B1" s="2"><v>43000</v></c></row>', {
      styles,
      workbook: `<workbook ${NS}><workbookPr date1904="1"/><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    });
    expect(await rows(path)).toEqual([{ line: 1, values: ['1904-01-01 12:00:00', '2021-09-23'] }]);
    expect(await same(path)).toBe(1);
  });

  it('refuses a cell beyond column XFD and a part that unpacks past its stated size, clearly', async () => {
    const far = workbook('far.xlsx', '<row r="1"><c r="XFE1"><v>1</v></c></row>');
    await expect(rows(far)).rejects.toMatchObject({ code: 'UNSUPPORTED_FILE', message: expect.stringMatching(/XFD/), details: { reason: 'cell-reference' } });
    const sheet = `<worksheet ${NS}><sheetData>${'<row><c t="inlineStr"><is><t>a@b.de</t></is></c></row>'.repeat(1000)}</sheetData></worksheet>`;
    const lying = join(tmp, 'lying.xlsx');
    writeFileSync(
      lying,
      buildFuzzZip([
        { name: 'xl/workbook.xml', data: WB },
        { name: 'xl/_rels/workbook.xml.rels', data: RELS },
        { name: 'xl/worksheets/sheet1.xml', data: sheet, declaredSize: 4096 },
      ]),
    );
    await expect(rows(lying)).rejects.toMatchObject({ code: 'UNSUPPORTED_FILE', message: expect.stringMatching(/more than the 4,096 bytes its directory states/) });
  });

  it('refuses damage instead of losing a value: row 0, a shared string that does not exist, broken markup', async () => {
    const row0 = workbook('row0.xlsx', '<row r="0"><c r="A0"><v>1</v></c></row>');
    await expect(rows(row0)).rejects.toMatchObject({ details: { reason: 'row-number' } });
    const sst = workbook('sst.xlsx', '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>7</v></c></row>', { sst: '<si><t>a</t></si>' });
    await expect(rows(sst)).rejects.toMatchObject({ details: { reason: 'shared-string' }, message: expect.stringMatching(/cell B1 refers to shared text “7”/) });
    const sstError = (await rows(sst).then(
      () => null,
      (e: unknown) => e,
    )) as AppError;
    expect(errorText(appIntl('de'), sstError)).toMatch(/^„.*sst\.xlsx“ ist beschädigt: Die Zelle B1 verweist auf den gemeinsamen Text „7“, den die Datei nicht enthält \(sie hat 1\)\./);
    const markup = workbook('markup.xlsx', '<row r="1"><c r="A1" t="inlineStr"><is><t>a &bogus; b</t></is></c></row>');
    await expect(rows(markup)).rejects.toMatchObject({ details: { reason: 'malformed-xml' } });
    for (const p of [row0, sst, markup]) expect([0, true]).toContain(await same(p));
  });

  it('reads line breaks in a cell as LF, as XML says (CR LF and a lone CR)', async () => {
    const path = workbook('breaks.xlsx', '<row r="1"><c r="A1" t="inlineStr"><is><t>a\r\nb\rc\nd</t></is></c></row>');
    expect(await rows(path)).toEqual([{ line: 1, values: ['a\nb\nc\nd'] }]);
    expect(await same(path)).toBe(1);
  });
});

describe('shared strings in compact form', () => {
  it('gives every string back across segment boundaries, and undefined past the end', () => {
    const s = new SharedStrings();
    const all: string[] = [];
    for (let i = 0; i < 10_000; i++) {
      const v = i % 7 === 0 ? '' : `${i}-Straße-${'x'.repeat(i % 13)}`;
      all.push(v);
      s.push(v);
    }
    s.finish();
    expect(s.size).toBe(10_000);
    for (let i = 0; i < all.length; i++) if (s.get(i) !== all[i]) throw new Error(`string ${i}: ${s.get(i)} != ${all[i]}`);
    expect(s.get(10_000)).toBeUndefined();
    expect(s.get(-1)).toBeUndefined();
    expect(s.get(NaN)).toBeUndefined();
  });
});
