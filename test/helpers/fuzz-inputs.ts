import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { RESPONSE_KIND_NAMES, type ResponseKindName } from '../../main/services/responses/response-kinds';
import { FuzzRng } from './fuzz-prng';
import { buildFuzzZip, deflateRepeated, type FuzzZipEntry } from './fuzz-zip';

/**
 * What a fuzz input is fed to.
 *
 * - `sheet`: `previewSpreadsheet` (20 rows), then `openSpreadsheet` and every row to the end.
 * - `prepare`: the whole `prepare` pipeline with the default master list.
 * - `override`: `previewSpreadsheet` with operator overrides (encoding, separator, sheet), some bogus.
 * - `ingest`: `ingestFile` into a real DuckDB file with the response migrations.
 */
export type FuzzOp = 'sheet' | 'prepare' | 'override' | 'ingest';

/** One hostile input: how to build its bytes and what to feed them to. */
export interface FuzzCase {
  /** Unique and stable for a seed, so a failure names the input to regenerate. */
  readonly id: string;
  /** Generator family, for the counts in fuzz.json. */
  readonly family: string;
  readonly op: FuzzOp;
  /** File name (the extension matters: the readers branch on it). */
  readonly fileName: string;
  /** Runs in a child of its own (bombs, huge inputs), so its memory and time are its own. */
  readonly isolate: boolean;
  /** Response kind for `ingest`. */
  readonly kind?: ResponseKindName;
  /** Reader overrides for `override`. */
  readonly options?: { readonly encoding?: string; readonly delimiter?: string; readonly sheet?: string };
  build(): Buffer | Promise<Buffer>;
}

const REPO = join(import.meta.dirname, '../..');
const RESPONSE_FIXTURES = join(REPO, 'test/fixtures/responses');
/** Committed inputs that once found a bug; always run. */
export const REGRESSION_DIR = join(REPO, 'test/fixtures/fuzz');

// ---------------------------------------------------------------- CSV recipients

const HEADERS = ['E-Mail', 'Email', 'Anrede', 'Vorname', 'Nachname', 'Kundennummer', 'Notiz', 'Produkt 1', 'Salutation', 'First name', 'Last name', ''];
const WORDS = ['Jürgen', 'Müller', 'Schön', 'Straße', 'Ærøskøbing', 'Zoë', 'Ñandú', '€ 10', 'a;b', 'a,b', 'tab\there', 'line\nbreak', 'cr\rcr', 'say "hi"', '  padded  ', '', '=1+2', '@cmd', '00123', '1e5', '1,5', '😀 emoji', 'İstanbul', 'ĳ', '\u200b'];

/** A plausible recipient table (header + rows) as cell text. */
function recipientTable(rng: FuzzRng): string[][] {
  const cols = rng.int(1, 8);
  const header = Array.from({ length: cols }, (_, i) => (i === 0 ? rng.pick(['E-Mail', 'Email', 'email', 'Mail']) : rng.pick(HEADERS)));
  const rows = [header];
  const n = rng.int(0, 40);
  for (let r = 0; r < n; r++) {
    rows.push(
      Array.from({ length: cols }, (_, i) => {
        if (i === 0) return rng.chance(0.8) ? `${rng.pick(['anna', 'jürgen', 'x', 'a.b'])}${r}@example.${rng.pick(['de', 'com', 'co.uk'])}` : rng.pick(WORDS);
        return rng.pick(WORDS);
      }),
    );
  }
  return rows;
}

function csvText(rows: readonly string[][], delimiter: string, eol: string, quoteAll: boolean): string {
  const q = (v: string): string => (quoteAll || v.includes(delimiter) || /["\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return rows.map((r) => r.map(q).join(delimiter)).join(eol) + eol;
}

const ENCODINGS = ['utf-8', 'utf-8-bom', 'utf-16le-bom', 'utf-16le', 'utf-16be-bom', 'utf-16be', 'windows-1252', 'iso-8859-1'] as const;

function encodeText(text: string, enc: (typeof ENCODINGS)[number]): Buffer {
  switch (enc) {
    case 'utf-8':
      return Buffer.from(text, 'utf8');
    case 'utf-8-bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
    case 'utf-16le-bom':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, 'utf-16le')]);
    case 'utf-16le':
      return iconv.encode(text, 'utf-16le');
    case 'utf-16be-bom':
      return Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(text, 'utf-16be')]);
    case 'utf-16be':
      return iconv.encode(text, 'utf-16be');
    default:
      return iconv.encode(text, enc);
  }
}

/** Byte-level mutations; each takes the input and returns a damaged copy. */
const MUTATORS: readonly ((b: Buffer, rng: FuzzRng) => Buffer)[] = [
  (b, rng) => {
    const c = Buffer.from(b);
    for (let i = rng.int(1, 8); i > 0 && c.length > 0; i--) c[rng.int(0, c.length - 1)] ^= 1 << rng.int(0, 7);
    return c;
  },
  (b, rng) => splice(b, rng.int(0, b.length), 0, rng.bytes(rng.int(1, 64))),
  (b, rng) => (b.length ? splice(b, rng.int(0, b.length - 1), rng.int(1, Math.max(1, b.length >> 2)), Buffer.alloc(0)) : b),
  (b, rng) => {
    const at = rng.int(0, b.length);
    return splice(b, at, 0, b.subarray(at, at + rng.int(1, 4096)));
  },
  (b, rng) => splice(b, rng.int(0, b.length), 0, Buffer.alloc(rng.int(1, 16))), // NUL bytes
  (b, rng) => splice(b, rng.int(0, b.length), 0, Buffer.from('"'.repeat(rng.int(1, 3)))), // unbalanced quote
  (b) => Buffer.from(b.toString('latin1').replace(/\r?\n/g, '\r'), 'latin1'), // \r-only line ends
  (b) => Buffer.from(b.toString('latin1').replace(/[\r\n]+/g, ''), 'latin1'), // one endless line
  (b, rng) => b.subarray(0, rng.int(0, b.length)), // truncated, maybe mid-character
  (b, rng) => splice(b, rng.int(0, b.length), 0, Buffer.from(rng.pick([';', ',', '\t', '|']).repeat(rng.int(100, 60_000)))),
  (b, rng) => splice(b, rng.int(0, b.length), 0, Buffer.from('x'.repeat(rng.int(10_000, 300_000)))), // long line
  (b, rng) => splice(b, rng.int(0, b.length), 0, rng.pick([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from([0xff, 0xfe]), Buffer.from([0xfe, 0xff])])),
  (b, rng) => splice(b, rng.int(0, b.length), 0, Buffer.from(Array.from({ length: rng.int(1, 40) }, () => rng.int(0x80, 0xff)))), // invalid UTF-8
  (b, rng) => splice(b, rng.int(0, b.length), 0, Buffer.from([0x00, 0xd8, 0x00, 0xdc, 0x00, 0xd8])), // lone surrogates in UTF-16
  (b, rng) => splice(b, rng.int(0, b.length), 0, Buffer.from(Array.from({ length: rng.int(1, 30) }, () => rng.int(1, 31)))), // control characters
  (b, rng) => splice(b, rng.int(0, b.length), 0, Buffer.from('\n'.repeat(rng.int(1, 5000)))), // blank rows
  (b, rng) => splice(b, 0, 0, Buffer.from(rng.pick(['sep=;\n', '\uFEFF', '"', ';;;;\n', '#comment\n']), 'utf8')),
];

function splice(b: Buffer, at: number, del: number, insert: Buffer): Buffer {
  return Buffer.concat([b.subarray(0, at), insert, b.subarray(at + del)]);
}

function mutate(b: Buffer, rng: FuzzRng, max: number): Buffer {
  let out = b;
  for (let i = rng.int(0, max); i > 0; i--) out = rng.pick(MUTATORS)(out, rng);
  return out;
}

const BOGUS_ENCODINGS = ['utf-7', 'klingon', 'UTF-32', '', ' ', 'utf8', 'latin1', 'cp1252', 'utf-16', 'ascii', 'base64', 'hex', 'binary', 'ucs2', 'macroman', 'x'.repeat(500)];
const BOGUS_DELIMITERS = ['"', 'ab', '\\t', 'tab', '\n', '\r', '', ';', ',', '|', ' ', 'x', '\u0000', '€', '😀'];

function randomCsvCase(rng: FuzzRng, i: number): FuzzCase {
  const enc = rng.pick(ENCODINGS);
  const delimiter = rng.pick([';', ',', '\t', '|', ':', ' ']);
  const eol = rng.pick(['\r\n', '\n', '\r']);
  const text = csvText(recipientTable(rng), delimiter, eol, rng.chance(0.3));
  const bytes = mutate(encodeText(text, enc), rng, 4);
  const roll = rng.next();
  const op: FuzzOp = roll < 0.55 ? 'sheet' : roll < 0.8 ? 'prepare' : 'override';
  const ext = rng.pick(['.csv', '.csv', '.csv', '.txt', '.tsv']);
  const options = op === 'override' ? { encoding: rng.chance(0.6) ? rng.pick(BOGUS_ENCODINGS) : undefined, delimiter: rng.chance(0.6) ? rng.pick(BOGUS_DELIMITERS) : undefined } : undefined;
  return { id: `csv-${i}`, family: `csv/${enc}`, op, fileName: `recipients-${i}${ext}`, isolate: false, options, build: () => bytes };
}

// ---------------------------------------------------------------- XLSX recipients

const CT =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>';
const RELS =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>';
const NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';
const WORKBOOK = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook ${NS}><sheets><sheet name="Empfänger" sheetId="1" r:id="rId1"/></sheets></workbook>`;
const WB_RELS =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>';
const STYLES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy;@"/></numFmts><fonts count="1"><font><sz val="11"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0"/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0" xfId="0"/><xf numFmtId="14" xfId="0" applyNumberFormat="1"/><xf numFmtId="164" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>`;

function colName(i: number): string {
  let s = '';
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Hostile cell variants; `%S` is replaced by a shared-string index. */
const ODD_CELLS = [
  '<c r="%R" t="s"><v>999999</v></c>',
  '<c r="%R" t="s"><v>-1</v></c>',
  '<c r="%R" t="s"><v>abc</v></c>',
  '<c r="%R" t="s"></c>',
  '<c r="%R"><v>1e400</v></c>',
  '<c r="%R"><v>NaN</v></c>',
  '<c r="%R" s="1"><v>-99999999</v></c>',
  '<c r="%R" s="1"><v>1e300</v></c>',
  '<c r="%R" s="2"><v>2958466</v></c>',
  '<c r="%R" s="9999"><v>5</v></c>',
  '<c r="%R" t="b"><v>x</v></c>',
  '<c r="%R" t="e"><v>#REF!</v></c>',
  '<c r="%R" t="d"><v>not a date</v></c>',
  '<c r="%R" t="str"><f>A1&amp;B1</f><v></v></c>',
  '<c r="%R" t="inlineStr"><is><t>inline</t></is></c>',
  '<c r="%R" t="inlineStr"></c>',
  '<c r="XFD1048576"><v>1</v></c>',
  '<c r="ZZZZZZZ1"><v>1</v></c>',
  '<c r="A0"><v>1</v></c>',
  '<c r=""><v>1</v></c>',
  '<c r="1A"><v>1</v></c>',
  '<c><v>no ref</v></c>',
  '<c r="%R"><v>' + '9'.repeat(400) + '</v></c>',
  '<c r="%R"><f>' + 'SUM('.repeat(200) + ')'.repeat(200) + '</f><v>1</v></c>',
];

const ODD_ROWS = ['<row r="0">', '<row r="-5">', '<row r="99999999999">', '<row r="abc">', '<row>', '<row r="1048577">'];

interface XlsxParts {
  entries: FuzzZipEntry[];
}

function xlsxParts(rng: FuzzRng, clean = false): XlsxParts {
  const table = recipientTable(rng);
  const strings: string[] = [];
  const idx = new Map<string, number>();
  const sIdx = (s: string): number => {
    let i = idx.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      idx.set(s, i);
    }
    return i;
  };
  const rows: string[] = [];
  table.forEach((row, r) => {
    const rr = r + 1;
    const cells = row.map((v, c) => {
      const ref = `${colName(c)}${rr}`;
      if (!clean && rng.chance(0.06)) return rng.pick(ODD_CELLS).replace('%R', ref);
      if (r > 0 && rng.chance(0.1)) return `<c r="${ref}" s="${rng.int(0, 2)}"><v>${rng.pick(['44197', '0.5', '123456789012345678', '-1', '3.14159'])}</v></c>`;
      return rng.chance(0.8) ? `<c r="${ref}" t="s"><v>${sIdx(v)}</v></c>` : `<c r="${ref}" t="inlineStr"><is><t xml:space="preserve">${xmlEscape(v)}</t></is></c>`;
    });
    const open = !clean && rng.chance(0.04) ? rng.pick(ODD_ROWS) : `<row r="${rr}">`;
    rows.push(`${open}${cells.join('')}</row>`);
  });
  const sheet = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet ${NS}><sheetData>${rows.join('')}</sheetData></worksheet>`;
  const sst = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="${strings.length}" uniqueCount="${strings.length}">${strings.map((s) => `<si><t xml:space="preserve">${xmlEscape(s)}</t></si>`).join('')}</sst>`;
  return {
    entries: [
      { name: '[Content_Types].xml', data: CT },
      { name: '_rels/.rels', data: RELS },
      { name: 'xl/workbook.xml', data: WORKBOOK },
      { name: 'xl/_rels/workbook.xml.rels', data: WB_RELS },
      { name: 'xl/worksheets/sheet1.xml', data: sheet },
      { name: 'xl/styles.xml', data: STYLES },
      { name: 'xl/sharedStrings.xml', data: sst },
    ],
  };
}

function entryText(e: FuzzZipEntry): string {
  return typeof e.data === 'string' ? e.data : (e.data ?? Buffer.alloc(0)).toString('utf8');
}

/** Mutations of the workbook's parts, before zipping. */
const ENTRY_MUTATORS: readonly ((p: XlsxParts, rng: FuzzRng) => void)[] = [
  (p, rng) => void p.entries.splice(rng.int(0, p.entries.length - 1), 1), // a missing part (sharedStrings, workbook, sheet…)
  (p) => (p.entries = p.entries.filter((e) => e.name !== 'xl/sharedStrings.xml')),
  (p, rng) => {
    const i = rng.int(0, p.entries.length - 1);
    const t = entryText(p.entries[i]!);
    p.entries[i] = { ...p.entries[i]!, data: t.slice(0, rng.int(0, t.length)) }; // XML cut off
  },
  (p, rng) => {
    const i = rng.int(0, p.entries.length - 1);
    const t = entryText(p.entries[i]!);
    const at = rng.int(0, t.length);
    p.entries[i] = { ...p.entries[i]!, data: t.slice(0, at) + rng.pick(['<', '>', '&', '&bogus;', ']]>', '<!--', '</x>', '<a b=">', '\u0000', '\uFFFE', '<?xml version="1.0"?>']) + t.slice(at) };
  },
  (p, rng) => {
    const i = p.entries.findIndex((e) => e.name === 'xl/workbook.xml');
    if (i < 0) return;
    p.entries[i] = {
      ...p.entries[i]!,
      data: rng.pick([
        `<workbook ${NS}><sheets></sheets></workbook>`,
        `<workbook ${NS}><sheets><sheet name="X" sheetId="1" r:id="rId99"/></sheets></workbook>`,
        `<workbook ${NS}><sheets><sheet sheetId="1" r:id="rId1"/></sheets></workbook>`,
        `<workbook ${NS}><workbookPr date1904="1"/><sheets><sheet name="A" sheetId="1" r:id="rId1"/><sheet name="A" sheetId="2" r:id="rId1"/></sheets></workbook>`,
        `<workbook ${NS}></workbook>`,
        '',
      ]),
    };
  },
  (p, rng) => {
    const i = p.entries.findIndex((e) => e.name === 'xl/_rels/workbook.xml.rels');
    if (i < 0) return;
    const target = rng.pick(['../../../../etc/passwd', '/xl/worksheets/sheet1.xml', 'worksheets/../worksheets/sheet1.xml', 'worksheets/sheet2.xml', '', 'http://evil.example/x.xml', 'xl/sharedStrings.xml']);
    p.entries[i] = { ...p.entries[i]!, data: entryText(p.entries[i]!).replace('worksheets/sheet1.xml', target) };
  },
  (p, rng) => {
    // Entity tricks: billion laughs and external entities must not expand or fetch.
    const i = p.entries.findIndex((e) => e.name === rng.pick(['xl/sharedStrings.xml', 'xl/worksheets/sheet1.xml', 'xl/workbook.xml']));
    if (i < 0) return;
    const dtd =
      '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"><!ENTITY x SYSTEM "file:///etc/passwd">]>';
    const t = entryText(p.entries[i]!).replace(/^<\?xml[^>]*>\n?/, '');
    p.entries[i] = { ...p.entries[i]!, data: `<?xml version="1.0"?>${dtd}${t.replace('<t xml:space="preserve">', '<t xml:space="preserve">&f;&x;')}` };
  },
  (p, rng) => {
    const i = rng.int(0, p.entries.length - 1);
    p.entries[i] = { ...p.entries[i]!, crc: rng.u32() }; // wrong CRC
  },
  (p, rng) => {
    const i = rng.int(0, p.entries.length - 1);
    p.entries[i] = { ...p.entries[i]!, declaredSize: rng.pick([0, 1, 0xffffffff, rng.u32()]) }; // lying size
  },
  (p, rng) => {
    const i = rng.int(0, p.entries.length - 1);
    p.entries[i] = { ...p.entries[i]!, method: 0 }; // stored
  },
  (p, rng) => {
    const i = rng.int(0, p.entries.length - 1);
    p.entries.push({ ...p.entries[i]!, data: '<x/>' }); // duplicate name
  },
  (p, rng) => {
    const i = p.entries.findIndex((e) => e.name === 'xl/styles.xml');
    if (i < 0) return;
    const fmt = rng.pick(['[$-F800]dddd\\,\\ mmmm\\ dd\\,\\ yyyy', '"d"', '0;0;0;0;0;0;0', '[h]:mm:ss', '@@@@', 'yyyy'.repeat(500), '[Red][<0]0;[Blue]0', '\\']);
    p.entries[i] = { ...p.entries[i]!, data: STYLES.replace('dd/mm/yyyy;@', xmlEscape(fmt)) };
  },
  (p, rng) => {
    const i = p.entries.findIndex((e) => e.name === 'xl/worksheets/sheet1.xml');
    if (i < 0) return;
    const t = entryText(p.entries[i]!);
    p.entries[i] = { ...p.entries[i]!, data: t.replace('<sheetData>', `<sheetData>${'<row r="1"><c r="A1"><v>1</v></c></row>'.repeat(rng.int(1, 3))}`) }; // duplicate row numbers
  },
];

/** Byte-level mutations of the finished zip. */
const ZIP_MUTATORS: readonly ((b: Buffer, rng: FuzzRng) => Buffer)[] = [
  (b, rng) => b.subarray(0, rng.int(0, b.length - 1)), // truncated zip
  (b, rng) => {
    // Scribble over the central directory.
    const c = Buffer.from(b);
    const cd = c.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    const from = cd >= 0 ? rng.int(cd, c.length - 1) : rng.int(0, c.length - 1);
    for (let i = rng.int(1, 12); i > 0; i--) c[rng.int(from, c.length - 1)] = rng.u32() & 0xff;
    return c;
  },
  (b) => {
    const c = Buffer.from(b);
    const eocd = c.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    if (eocd >= 0) c.fill(0, eocd + 4, eocd + 22);
    return c;
  },
  (b, rng) => MUTATORS[0]!(b, rng),
  (b, rng) => MUTATORS[2]!(b, rng),
  (b, rng) => {
    // Corrupt compressed data inside a local entry.
    const c = Buffer.from(b);
    for (let i = rng.int(1, 6); i > 0; i--) c[rng.int(0, Math.max(0, (c.length * 0.7) | 0))] = rng.u32() & 0xff;
    return c;
  },
];

function randomXlsxCase(rng: FuzzRng, i: number): FuzzCase {
  const parts = xlsxParts(rng);
  for (let n = rng.int(0, 2); n > 0; n--) rng.pick(ENTRY_MUTATORS)(parts, rng);
  let zip = buildFuzzZip(parts.entries);
  if (rng.chance(0.35)) zip = rng.pick(ZIP_MUTATORS)(zip, rng);
  const roll = rng.next();
  const op: FuzzOp = roll < 0.55 ? 'sheet' : roll < 0.85 ? 'prepare' : 'override';
  const options = op === 'override' ? { sheet: rng.pick(['Empfänger', 'Missing', '', 'A'.repeat(300)]) } : undefined;
  const ext = rng.pick(['.xlsx', '.xlsx', '.xlsx', '.xlsm', '.csv']);
  return { id: `xlsx-${i}`, family: 'xlsx/mutated', op, fileName: `workbook-${i}${ext}`, isolate: false, options, build: () => zip };
}

// ---------------------------------------------------------------- response files

function responseFixture(kind: ResponseKindName): string {
  return readFileSync(join(RESPONSE_FIXTURES, `20210101_${kind}.csv`), 'utf8');
}

/** Text-level damage that response files meet in practice (truncated downloads, odd exports). */
const RESPONSE_MUTATORS: readonly ((t: string, rng: FuzzRng) => string)[] = [
  (t, rng) => {
    const lines = t.split('\n');
    const h = lines[0]!.split(';');
    const i = rng.int(0, h.length - 1);
    h[i] = rng.pick(['"bogus"', '"ID"', '""', h[i]!.toUpperCase(), `"${h[i]!.replace(/"/g, '')} "`, h[(i + 1) % h.length]!]);
    lines[0] = h.join(';');
    return lines.join('\n');
  }, // wrong / duplicate header
  (t, rng) => {
    const h = t.split('\n')[0]!.split(';');
    h.splice(rng.int(0, h.length - 1), 1);
    return [h.join(';'), ...t.split('\n').slice(1)].join('\n');
  }, // header lacks a column
  (t, rng) => t.slice(0, t.length - rng.int(1, Math.min(60, t.length))), // truncated last line
  (t, rng) => {
    const at = rng.int(t.indexOf('\n') + 1, t.length);
    return t.slice(0, at) + '"' + t.slice(at);
  }, // unterminated quote
  (t, rng) => t.replace(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/, rng.pick(['2021-13-45 25:61:61', '01.01.2021 12:00', 'now', '2021-01-01T12:00:00Z', '0000-00-00 00:00:00', '99999-01-01 00:00:00', '2021-02-29 00:00:00'])),
  (t, rng) => t.replace(/"(\d{4,})"/, `"${rng.pick(['abc', '1.5', '-', '١٢٣', '99999999999999999999', '0x10', '1e5', ' 12 ', '-9223372036854775809'])}"`), // non-numeric / overflowing ID
  (t, rng) => {
    const lines = t.split('\n');
    const i = rng.int(0, lines.length - 1);
    lines[i] = lines[i] + ';"extra"'.repeat(rng.int(1, 5));
    return lines.join('\n');
  }, // extra columns
  () => '',
  (t) => t.split('\n')[0]!, // header only, no newline
  (t) => t.replace(/\n/g, '\r'),
  (t) => t.replace(/\n/g, '\r\n'),
  (t, rng) => {
    const at = rng.int(0, t.length);
    return t.slice(0, at) + '\u0000' + t.slice(at);
  },
  (t) => '\uFEFF' + t,
  (t, rng) => t.replace(/;/g, rng.pick([',', '\t', ';;'])),
  (t, rng) => {
    const at = rng.int(0, t.length);
    return t.slice(0, at) + 'x'.repeat(rng.int(1000, 200_000)) + t.slice(at);
  },
];

function randomResponseCase(rng: FuzzRng, i: number): FuzzCase {
  const kind = rng.pick(RESPONSE_KIND_NAMES);
  // Sometimes another kind's file arrives under this kind's name.
  let text = responseFixture(rng.chance(0.1) ? rng.pick(RESPONSE_KIND_NAMES) : kind);
  for (let n = rng.int(1, 3); n > 0; n--) text = rng.pick(RESPONSE_MUTATORS)(text, rng);
  let bytes: Buffer = rng.chance(0.1) ? iconv.encode(text, rng.pick(['utf-16le', 'windows-1252'])) : Buffer.from(text, 'utf8');
  if (rng.chance(0.25)) bytes = mutate(bytes, rng, 2);
  return { id: `resp-${i}`, family: `responses/${kind}`, op: 'ingest', kind, fileName: `20210101_${kind}.csv`, isolate: false, build: () => bytes };
}

// ---------------------------------------------------------------- fixed cases

/** Hand-picked small inputs every run includes (edge cases a random walk rarely hits). */
export function structuralCases(): FuzzCase[] {
  const c = (id: string, fileName: string, op: FuzzOp, data: Buffer | string, extra: Partial<FuzzCase> = {}): FuzzCase => ({
    id,
    family: 'structural',
    op,
    fileName,
    isolate: false,
    build: () => (typeof data === 'string' ? Buffer.from(data, 'utf8') : data),
    ...extra,
  });
  const garbage = new FuzzRng('garbage').bytes(8192);
  const ole = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), new FuzzRng('ole').bytes(4088)]);
  const numbers = buildFuzzZip([
    { name: 'Index/Document.iwa', data: new FuzzRng('iwa').bytes(2000) },
    { name: 'Metadata/Properties.plist', data: '<plist/>' },
  ]);
  const zipNoWorkbook = buildFuzzZip([{ name: 'hello.txt', data: 'hello' }]);
  const cases: FuzzCase[] = [
    c('empty-csv', 'empty.csv', 'sheet', ''),
    c('empty-xlsx', 'empty.xlsx', 'sheet', ''),
    c('whitespace-csv', 'ws.csv', 'sheet', ' \t \r\n \n\n   \r'),
    c('newlines-only', 'nl.csv', 'prepare', '\n'.repeat(10_000)),
    c('bom-only', 'bom.csv', 'sheet', Buffer.from([0xef, 0xbb, 0xbf])),
    c('utf16-bom-only', 'bom16.csv', 'sheet', Buffer.from([0xff, 0xfe])),
    c('utf16-odd-length', 'odd16.csv', 'sheet', Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode('Email;Name\na@b.de;X', 'utf-16le'), Buffer.from([0x41])])),
    c('header-only', 'header.csv', 'prepare', 'E-Mail;Vorname\n'),
    c('single-quote', 'q.csv', 'sheet', '"'),
    c('unbalanced-quote-start', 'uq.csv', 'prepare', '"E-Mail;Name\n' + 'a@example.de;Anna\n'.repeat(5000)),
    c('quote-in-unquoted', 'qi.csv', 'prepare', 'E-Mail;Name\na"b@example.de;An"na\n"x"y@example.de;"B"\n'),
    c('binary-garbage-csv', 'garbage.csv', 'sheet', garbage),
    c('binary-garbage-txt', 'garbage.txt', 'prepare', garbage),
    c('binary-garbage-xlsx', 'garbage.xlsx', 'sheet', garbage),
    c('pdf-as-csv', 'doc.csv', 'sheet', '%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n\u0000\u0001'),
    c('png-as-xlsx', 'img.xlsx', 'sheet', Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), garbage.subarray(0, 500)])),
    c('ole-xls', 'legacy.xls', 'sheet', ole),
    c('ole-as-xlsx', 'protected.xlsx', 'sheet', ole),
    c('ole-as-csv', 'renamed.csv', 'sheet', ole),
    c('numbers-zip', 'export.numbers', 'sheet', numbers),
    c('numbers-as-xlsx', 'export.xlsx', 'sheet', numbers),
    c('zip-as-csv', 'archive.csv', 'sheet', zipNoWorkbook),
    c('zip-no-workbook', 'archive.xlsx', 'prepare', zipNoWorkbook),
    c('zip-header-only', 'stub.xlsx', 'sheet', Buffer.from([0x50, 0x4b, 0x03, 0x04])),
    c('eocd-only', 'eocd.xlsx', 'sheet', Buffer.concat([Buffer.from([0x50, 0x4b, 0x05, 0x06]), Buffer.alloc(18)])),
    c('csv-named-xlsx', 'text.xlsx', 'sheet', 'E-Mail;Name\na@b.de;X\n'),
    c('no-extension', 'recipients', 'sheet', 'E-Mail;Name\na@b.de;X\n'),
    c('wide-100k-columns', 'wide.csv', 'prepare', 'E-Mail' + ';h'.repeat(100_000) + '\na@b.de' + ';v'.repeat(100_000) + '\n'),
    c('line-300k', 'long.csv', 'sheet', 'E-Mail;Name\n' + 'a@b.de;' + 'y'.repeat(300_000) + '\n'),
    c('cr-only', 'cr.csv', 'prepare', 'E-Mail;Vorname\ra@example.de;A\rb@example.de;B\r'),
    c('sep-line', 'sep.csv', 'prepare', 'sep=;\nE-Mail;Vorname\na@example.de;A\n'),
    c('nul-in-utf16', 'nul16.csv', 'sheet', Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode('Email;Name\na@b.de;X\u0000Y\n', 'utf-16le')])),
    c('override-bogus-encoding', 'ok.csv', 'override', 'E-Mail;Name\na@b.de;X\n', { options: { encoding: 'klingon' } }),
    c('override-quote-delimiter', 'ok2.csv', 'override', 'E-Mail;Name\na@b.de;X\n', { options: { delimiter: '"' } }),
    c('override-utf16-on-utf8', 'ok3.csv', 'override', 'E-Mail;Name\na@b.de;X\n', { options: { encoding: 'utf-16be' } }),
    c('override-missing-sheet', 'ok4.xlsx', 'override', buildFuzzZip(xlsxParts(new FuzzRng('ok4'), true).entries), { options: { sheet: 'Nope' } }),
    c('xlsx-valid', 'valid.xlsx', 'prepare', buildFuzzZip(xlsxParts(new FuzzRng('valid'), true).entries)),
  ];
  for (const kind of RESPONSE_KIND_NAMES) {
    cases.push(c(`resp-empty-${kind}`, `20210101_${kind}.csv`, 'ingest', '', { kind }));
    cases.push(c(`resp-valid-${kind}`, `20210101_${kind}.csv`, 'ingest', responseFixture(kind), { kind }));
  }
  cases.push(c('resp-whitespace', '20210101_clicks.csv', 'ingest', '   \n\n', { kind: 'clicks' }));
  cases.push(c('resp-binary', '20210101_opens.csv', 'ingest', garbage, { kind: 'opens' }));
  cases.push(c('resp-zip', '20210101_opens.csv', 'ingest', zipNoWorkbook, { kind: 'opens' }));
  cases.push(c('resp-header-1000-cols', '20210101_clicks.csv', 'ingest', responseFixture('clicks').replace('"userId"', Array.from({ length: 1000 }, (_, i) => `"x${i}"`).join(';') + ';"userId"'), { kind: 'clicks' }));
  return cases;
}

const GIB = 1024 * 1024 * 1024;

/**
 * The dangerous inputs, each run in a child of its own: bombs, huge cells, millions of columns,
 * deep nesting. All built at test time (nothing big is committed).
 */
export function heavyCases(): FuzzCase[] {
  const h = (id: string, fileName: string, op: FuzzOp, build: () => Buffer | Promise<Buffer>, kind?: ResponseKindName): FuzzCase => ({ id, family: 'heavy', op, fileName, isolate: true, kind, build });
  const unit64k = (s: string): Buffer => {
    // deflateRepeated needs a 64 KiB unit that is periodic: pad the element with whitespace to a
    // power of two, then repeat it.
    let size = 1;
    while (size < s.length) size *= 2;
    return Buffer.from((s + ' '.repeat(size - s.length)).repeat(65536 / size));
  };
  const sheetHead = `<?xml version="1.0" encoding="UTF-8"?>\n<worksheet ${NS}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>E-Mail</t></is></c></row>`;
  const sheetTail = '</sheetData></worksheet>';
  const workbookWith = (sheet: FuzzZipEntry, sst?: FuzzZipEntry): Buffer =>
    buildFuzzZip([
      { name: '[Content_Types].xml', data: CT },
      { name: '_rels/.rels', data: RELS },
      { name: 'xl/workbook.xml', data: WORKBOOK },
      { name: 'xl/_rels/workbook.xml.rels', data: WB_RELS },
      ...(sst ? [sst] : []),
      sheet,
    ]);
  return [
    h('csv-huge-cell-50mb', 'huge-cell.csv', 'sheet', () => Buffer.concat([Buffer.from('E-Mail;Notiz\na@example.de;'), Buffer.alloc(50 * 1024 * 1024, 0x61), Buffer.from('\n')])),
    h('csv-huge-quoted-cell-50mb', 'huge-quoted.csv', 'prepare', () => Buffer.concat([Buffer.from('E-Mail;Notiz\na@example.de;"'), Buffer.alloc(50 * 1024 * 1024, 0x62), Buffer.from('"\n')])),
    h('csv-unterminated-quote-20mb', 'open-quote.csv', 'sheet', () => Buffer.concat([Buffer.from('E-Mail;Notiz\na@example.de;"'), Buffer.from('line;\n'.repeat(3_500_000))])),
    h('csv-2m-separators', 'wide.csv', 'sheet', () => Buffer.from(';'.repeat(2_000_000) + '\n')),
    h('csv-2m-separators-prepare', 'wide2.csv', 'prepare', () => Buffer.from('E-Mail' + ';'.repeat(2_000_000) + '\na@example.de\n')),
    h('csv-header-1mb-unclosed-quote', 'open-header.csv', 'prepare', () => Buffer.from('"E-Mail;Name\n' + 'a@example.de;Anna\n'.repeat(58_000))),
    h('csv-long-lines', 'long-lines.csv', 'sheet', () => Buffer.from('E-Mail;Notiz\n' + ('a@example.de;' + 'z'.repeat(1_000_000) + '\n').repeat(20))),
    h('xlsx-bomb-whitespace-1g', 'bomb-ws.xlsx', 'sheet', async () =>
      workbookWith({ name: 'xl/worksheets/sheet1.xml', packed: await deflateRepeated(sheetHead, Buffer.alloc(65536, 0x20), GIB / 65536 + 1, sheetTail) }),
    ),
    h('xlsx-bomb-text-1g', 'bomb-text.xlsx', 'sheet', async () =>
      workbookWith({ name: 'xl/worksheets/sheet1.xml', packed: await deflateRepeated(sheetHead + '<row r="2"><c r="A2" t="inlineStr"><is><t>', Buffer.alloc(65536, 0x61), GIB / 65536 + 1, '</t></is></c></row>' + sheetTail) }),
    ),
    h('xlsx-bomb-rows-1g', 'bomb-rows.xlsx', 'prepare', async () =>
      workbookWith({ name: 'xl/worksheets/sheet1.xml', packed: await deflateRepeated(sheetHead, unit64k('<row r="2"><c r="A2" t="inlineStr"><is><t>a@b.de</t></is></c></row>'), Math.ceil(GIB / 65536), sheetTail) }),
    ),
    h('xlsx-bomb-lying-size', 'bomb-lie.xlsx', 'sheet', async () => {
      const packed = await deflateRepeated(sheetHead, Buffer.alloc(65536, 0x20), GIB / 65536 + 1, sheetTail);
      return workbookWith({ name: 'xl/worksheets/sheet1.xml', packed, declaredSize: 4096 });
    }),
    h('xlsx-bomb-shared-strings-1g', 'bomb-sst.xlsx', 'sheet', async () =>
      workbookWith(
        { name: 'xl/worksheets/sheet1.xml', data: sheetHead + sheetTail },
        { name: 'xl/sharedStrings.xml', packed: await deflateRepeated(`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`, unit64k('<si><t>x</t></si>'), Math.ceil(GIB / 65536), '</sst>') },
      ),
    ),
    h('xlsx-huge-shared-strings-table', 'big-sst.xlsx', 'override', () => {
      const items: string[] = [];
      for (let i = 0; i < 1_000_000; i++) items.push(`<si><t>s${i}-Straße</t></si>`);
      return workbookWith(
        { name: 'xl/worksheets/sheet1.xml', data: sheetHead + '<row r="2"><c r="A2" t="s"><v>999999</v></c></row>' + sheetTail },
        { name: 'xl/sharedStrings.xml', data: `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">${items.join('')}</sst>` },
      );
    }),
    h('xlsx-deep-nesting-sheet', 'deep.xlsx', 'sheet', () =>
      workbookWith({ name: 'xl/worksheets/sheet1.xml', data: sheetHead + '<row r="2"><c r="A2" t="inlineStr"><is>' + '<r>'.repeat(100_000) + '</r>'.repeat(100_000) + '</is></c></row>' + sheetTail }),
    ),
    h('xlsx-deep-nesting-unclosed', 'deep-open.xlsx', 'sheet', () => workbookWith({ name: 'xl/worksheets/sheet1.xml', data: sheetHead + '<x>'.repeat(200_000) })),
    h('xlsx-deep-nesting-sst', 'deep-sst.xlsx', 'sheet', () =>
      workbookWith(
        { name: 'xl/worksheets/sheet1.xml', data: sheetHead + sheetTail },
        { name: 'xl/sharedStrings.xml', data: `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si>${'<r><t>a</t>'.repeat(100_000)}${'</r>'.repeat(100_000)}</si></sst>` },
      ),
    ),
    h('xlsx-deep-nesting-workbook', 'deep-wb.xlsx', 'sheet', () =>
      buildFuzzZip([
        { name: 'xl/workbook.xml', data: `<workbook ${NS}>${'<sheets>'.repeat(100_000)}<sheet name="A" sheetId="1" r:id="rId1"/>${'</sheets>'.repeat(100_000)}</workbook>` },
        { name: 'xl/_rels/workbook.xml.rels', data: WB_RELS },
        { name: 'xl/worksheets/sheet1.xml', data: sheetHead + sheetTail },
      ]),
    ),
    h('xlsx-max-column-cells', 'far-cells.xlsx', 'prepare', () =>
      workbookWith({ name: 'xl/worksheets/sheet1.xml', data: sheetHead + '<row r="2"><c r="A2" t="inlineStr"><is><t>a@b.de</t></is></c><c r="XFD2"><v>1</v></c></row>' + sheetTail }),
    ),
    h('resp-huge-cell-20mb', '20210101_clicks.csv', 'ingest', () => Buffer.from(responseFixture('clicks').replace('"Desktop"', `"${'d'.repeat(20 * 1024 * 1024)}"`)), 'clicks'),
    h('resp-2m-columns', '20210101_opens.csv', 'ingest', () => Buffer.from(responseFixture('opens').replace('\n', ';""'.repeat(2_000_000) + '\n')), 'opens'),
    h('resp-unterminated-quote-20mb', '20210101_clicks.csv', 'ingest', () => Buffer.from(responseFixture('clicks') + '"a@b.de";"2021-01-01 00:00:00";"' + 'x;\n'.repeat(7_000_000)), 'clicks'),
  ];
}

/** The seeded random corpus: CSV, XLSX and response files in a fixed mix. */
export function randomCases(seed: string, count: number): FuzzCase[] {
  const out: FuzzCase[] = [];
  for (let i = 0; i < count; i++) {
    const rng = new FuzzRng(`${seed}/${i}`);
    const roll = rng.next();
    out.push(roll < 0.45 ? randomCsvCase(rng, i) : roll < 0.75 ? randomXlsxCase(rng, i) : randomResponseCase(rng, i));
  }
  return out;
}

/**
 * Committed regression inputs. The file name says what to feed them to:
 * `<op>--<name>.<ext>` or `ingest.<kind>--<name>.csv`.
 */
export function regressionCases(dir = REGRESSION_DIR): FuzzCase[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.includes('--')).sort();
  } catch {
    return [];
  }
  return names.map((name) => {
    const [head, ...rest] = name.split('--');
    const [op, kind] = head!.split('.') as [FuzzOp, ResponseKindName | undefined];
    if (!['sheet', 'prepare', 'override', 'ingest'].includes(op)) throw new Error(`regression fixture ${name}: unknown op "${op}"`);
    const fileName = op === 'ingest' ? `20210101_${kind}.csv` : rest.join('--');
    return { id: `regression/${name}`, family: 'regression', op, kind, fileName, isolate: false, build: () => readFileSync(join(dir, name)) };
  });
}
