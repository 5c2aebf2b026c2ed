import { describe, expect, it } from 'vitest';
import { FastXmlScanner } from '../../../main/services/recipients/xlsx/fast-xml-scanner';
import { SharedStrings, SharedStringsParser } from '../../../main/services/recipients/xlsx/shared-strings';
import { isoDateText, SheetRowsParser } from '../../../main/services/recipients/xlsx/sheet-rows';
import type { SheetRow } from '../../../main/services/recipients/types';

const NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';

/** Every trap of a worksheet part the reader has to get right, in one sheet. */
const SHEET = [
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<!-- written by hand --><worksheet ${NS}><dimension ref="A1:H9"/><sheetData>`,
  // Entities, CDATA, attributes in any order and with either quote, whitespace inside tags.
  `<row r="1" spans="1:8"><c r="A1" t="inlineStr"><is><t>a &amp; b &lt;c&gt; &#x41;&#66;&quot;&apos;</t></is></c>`,
  `<c t='inlineStr' r='B1'><is><t><![CDATA[<raw> & ]]>tail</t></is></c><c  r = "C1"  s="0" ><v>42</v></c ></row>`,
  // A styled empty cell, an empty <v/>, a cell with no <v>, rows without r.
  `<row><c r="A2" s="1"/><c r="B2"><v/></c><c r="C2" t="s"></c><c r="D2" t="s"><v>1</v></c></row>`,
  `<row><c><v>1.5</v></c><c><v>-0</v></c><c><v>123456789012345678</v></c></row>`,
  // Rich text runs and a phonetic guide in an inline string, xml:space, a comment inside a value.
  `<row r="7"><c r="A7" t="inlineStr"><is><r><rPr><b/></rPr><t>Fett</t></r><r><t xml:space="preserve"> und normal</t></r><rPh sb="0" eb="1"><t>x</t></rPh></is></c>`,
  `<c r="B7"><v>1<!-- c -->2</v></c><c r="C7" t="s"><v>0</v></c></row>`,
  // Booleans, errors, formula text, a never-calculated formula, ISO date cells.
  `<row r="8"><c r="A8" t="b"><v>1</v></c><c r="B8" t="b"><v>0</v></c><c r="C8" t="e"><v>#N/A</v></c><c r="D8" t="str"><f>"a"&amp;"b"</f><v>ab</v></c><c r="E8"><f>1+1</f></c>`,
  `<c r="F8" t="d"><v>2024-03-05T14:30:00</v></c><c r="G8" t="d"><v>2024-03-05T00:00:00Z</v></c><c r="H8" t="d"><v>kein Datum</v></c></row>`,
  // Prefixed names, a line break in CR LF and a lone CR, a processing instruction.
  `<x:row xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" r="9"><x:c r="A9" t="inlineStr"><x:is><x:t>Zeile 1\r\nZeile 2\rZeile 3</x:t></x:is></x:c><?pi data?><x:c r="B9" s="2"><x:v>45000</x:v></x:c></x:row>`,
  `</sheetData></worksheet>`,
].join('');

const EXPECTED: SheetRow[] = [
  { line: 1, values: ['a & b <c> AB"\'', '<raw> & tail', '42'] },
  // An empty <v/> is NaN to ExcelJS and to us alike (parseFloat of nothing).
  { line: 2, values: ['', 'NaN', '', 'Müller & Co'] },
  { line: 3, values: ['1.5', '0', '123456789012346000'] },
  { line: 7, values: ['Fett und normal', '12', 'Straße'] },
  { line: 8, values: ['TRUE', 'FALSE', '#N/A', 'ab', '', '2024-03-05 14:30:00', '2024-03-05', 'kein Datum'] },
  { line: 9, values: ['Zeile 1\nZeile 2\nZeile 3', '2023-03-15'] },
];

const SST = `<?xml version="1.0"?><sst ${NS} count="2"><si><t>Straße</t></si><si><r><t>Müller </t></r><r><rPr/><t>&amp; Co</t></r><rPh><t>m</t></rPh></si><si><t/></si></sst>`;

/** Feeds `xml` to a scanner in the given pieces. */
function feed(scanner: FastXmlScanner, xml: string, cuts: readonly number[]): void {
  let from = 0;
  for (const cut of [...cuts, xml.length]) {
    scanner.write(xml.slice(from, cut));
    from = cut;
  }
  scanner.end();
}

function sharedStrings(cuts: readonly number[] = []): SharedStrings {
  const parser = new SharedStringsParser();
  feed(new FastXmlScanner(parser), SST, cuts);
  parser.strings.finish();
  return parser.strings;
}

function sheetRows(xml: string, cuts: readonly number[] = []): SheetRow[] {
  const parser = new SheetRowsParser(sharedStrings(), [undefined, undefined, 'yyyy-mm-dd'], false);
  feed(new FastXmlScanner(parser), xml, cuts);
  return parser.rows;
}

function outcome(run: () => unknown): unknown {
  try {
    return run();
  } catch (e) {
    return `${(e as Error).constructor.name}: ${(e as Error).message}`;
  }
}

describe('fast XML scanner for worksheets and shared strings', () => {
  it('reads every kind of cell Excel stores, with the traps of real files', () => {
    expect(sheetRows(SHEET)).toEqual(EXPECTED);
  });

  it('gives the same rows wherever the part is cut into chunks (inside tags, attributes, entities, CDATA, comments)', () => {
    for (let at = 1; at < SHEET.length; at++) {
      const rows = sheetRows(SHEET, [at]);
      if (JSON.stringify(rows) !== JSON.stringify(EXPECTED)) expect({ at, rows }).toEqual({ at, rows: EXPECTED });
    }
    for (const size of [1, 2, 3, 5, 7, 11]) {
      const cuts = Array.from({ length: Math.floor((SHEET.length - 1) / size) }, (_, i) => (i + 1) * size);
      expect(sheetRows(SHEET, cuts)).toEqual(EXPECTED);
    }
  });

  it('gives the same shared strings wherever their part is cut', () => {
    const whole = sharedStrings();
    expect([0, 1, 2].map((i) => whole.get(i))).toEqual(['Straße', 'Müller & Co', '']);
    for (let at = 1; at < SST.length; at++) {
      const s = sharedStrings([at]);
      expect([at, s.size, s.get(0), s.get(1), s.get(2)]).toEqual([at, 3, 'Straße', 'Müller & Co', '']);
    }
  });

  it('refuses broken markup the same way wherever the part is cut', () => {
    const broken = [
      `<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></x></row></sheetData></worksheet>`,
      `<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>a &bogus; b</t></is></c></row></sheetData></worksheet>`,
      `<worksheet><sheetData><row r=1><c r="A1"><v>1</v></c></row></sheetData></worksheet>`,
      `<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>a < b</t></is></c></row></sheetData></worksheet>`,
      `<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>a \u0001 b</t></is></c></row></sheetData></worksheet>`,
      `<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>7</v></c></row></sheetData></worksheet>`,
    ];
    for (const xml of broken) {
      const whole = outcome(() => sheetRows(xml));
      expect(String(whole)).toMatch(/^(MalformedXml|DamagedPart): /);
      for (let at = 1; at < xml.length; at++) expect([at, outcome(() => sheetRows(xml, [at]))]).toEqual([at, whole]);
    }
  });
});

describe('ISO date cells (t="d")', () => {
  it('read as ISO date text, not as the year (ExcelJS and our reader before read "2024-03-05" as 2024)', () => {
    expect(isoDateText('2024-03-05T14:30:00', undefined)).toBe('2024-03-05 14:30:00');
    expect(isoDateText('2024-03-05T00:00:00', undefined)).toBe('2024-03-05');
    expect(isoDateText('2024-03-05T00:00:00', true)).toBe('2024-03-05 00:00:00');
    expect(isoDateText('2024-03-05', undefined)).toBe('2024-03-05');
    expect(isoDateText('2024-03-05T23:59:59.6Z', undefined)).toBe('2024-03-06');
    expect(isoDateText('1899-12-31T08:00:00+02:00', undefined)).toBe('1899-12-31 08:00:00');
    expect(isoDateText('2023-02-29', undefined)).toBeUndefined();
    expect(isoDateText('2024-13-01', undefined)).toBeUndefined();
    expect(isoDateText('not a date', undefined)).toBeUndefined();
  });
});
