import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodedChunks } from '../../../main/services/recipients/csv-reader';
import { detectDelimiter } from '../../../main/services/recipients/delimiter';
import { detectEncoding } from '../../../main/services/recipients/encoding';
import { openSpreadsheet, previewSpreadsheet } from '../../../main/services/recipients/spreadsheet';
import type { Spreadsheet } from '../../../main/services/recipients/types';
import { fixtureFiles } from '../../fixtures/recipients/make-fixtures';

const FIX = join(process.cwd(), 'test/fixtures/recipients');
const fx = (name: string): string => join(FIX, name);
const tmp = mkdtempSync(join(tmpdir(), 'loopdesk-read-'));

async function all(s: Spreadsheet): Promise<{ line: number; values: readonly string[] }[]> {
  const out = [];
  for await (const r of s.rows()) out.push(r);
  return out;
}

describe('fixtures', () => {
  it('are what the generator writes (regenerate with make-fixtures.ts)', () => {
    for (const [name, data] of Object.entries(fixtureFiles())) expect(readFileSync(fx(name)).equals(data), name).toBe(true);
  });
});

describe('encoding detection', () => {
  const text = 'Email;Vorname;Nachname\nfranz@example.at;Jürgen;Größinger\n';
  it.each([
    ['utf-8', Buffer.from(text, 'utf8'), 'utf-8', 0],
    ['utf-8 BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]), 'utf-8', 3],
    ['windows-1252', iconv.encode(text + '€\n', 'windows-1252'), 'windows-1252', 0],
    ['iso-8859-1 (decoded as its superset windows-1252)', iconv.encode(text, 'iso-8859-1'), 'windows-1252', 0],
    ['utf-16le BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, 'utf-16le')]), 'utf-16le', 2],
    ['utf-16be BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(text, 'utf-16be')]), 'utf-16be', 2],
    ['utf-16le without BOM', iconv.encode(text, 'utf-16le'), 'utf-16le', 0],
  ])('%s', (_, bytes, encoding, bomLength) => {
    const g = detectEncoding(bytes, false);
    expect(g.encoding).toBe(encoding);
    expect(g.bomLength).toBe(bomLength);
    expect(iconv.decode(bytes.subarray(g.bomLength), g.encoding)).toContain('Größinger');
  });

  it('does not mistake UTF-8 cut in the middle of a character for another encoding', () => {
    const b = Buffer.from('a;b\nü;ö\n'.repeat(10) + 'ä', 'utf8');
    expect(detectEncoding(b.subarray(0, b.length - 1), true).encoding).toBe('utf-8');
  });
});

describe('delimiter detection', () => {
  it.each([
    [';', 'a;b;c\n1;2;3\n4;5;6\n'],
    [',', 'a,b,c\n1,2,3\n"x;y;z",5,6\n'],
    ['\t', 'a\tb\tc\n1\t2, 3\t3\n'],
    ['|', 'a|b|c\n1|2|3\n'],
    [';', 'Name;Notiz\n"Müller, Hans";"a, b, c, d"\nx;"1,2"\n'],
    [',', 'a,b\n"line\none; two; three",2\n3,4\n'],
  ])('finds %j', (d, text) => {
    expect(detectDelimiter(text, true)).toBe(d);
  });
});

describe('openSpreadsheet on files from other programs', () => {
  it('German Excel CSV: Windows-1252, ;, CRLF, quoted fields with ; and line breaks', async () => {
    const s = await openSpreadsheet(fx('german-excel.csv'));
    expect([s.format, s.encoding, s.delimiter]).toEqual(['csv', 'windows-1252', ';']);
    expect(s.headers).toEqual(['E-Mail', 'Anrede', 'Vorname', 'Nachname', 'Kundennummer', 'Notiz']);
    const rows = await all(s);
    expect(rows.map((r) => r.line)).toEqual([2, 3, 5, 6, 7]);
    expect(rows[0].values).toEqual(['juergen.mueller@example.de', 'Herr', 'Jürgen', 'Müller', '00123', 'Preis 10 €']);
    expect(rows[1].values[5]).toBe('Straße; Hof');
    expect(rows[4].values).toEqual(['zitat@example.de', 'Frau', 'Eva "Evi"', 'Groß', '01000', 'zwei\r\nZeilen']);
    expect(s.stats).toMatchObject({ rows: 5, emptyRows: 1 });
  });

  it('UTF-8 with BOM and commas', async () => {
    const s = await openSpreadsheet(fx('utf8-bom-comma.csv'));
    expect([s.encoding, s.delimiter, s.headers[0]]).toEqual(['utf-8', ',', 'Email Address']);
    const rows = await all(s);
    expect(rows[0].values).toEqual(['zoe@example.com', 'Ms', 'Zoë', 'Ångström', 'says "hi", then leaves']);
    expect(rows[1].values[4]).toBe('😀 emoji');
    expect(rows.at(-1)?.values[4]).toBe('line one\nline two');
  });

  it('UTF-16LE tab-separated text', async () => {
    const s = await openSpreadsheet(fx('utf16le-tab.txt'));
    expect([s.encoding, s.delimiter]).toEqual(['utf-16le', '\t']);
    expect(s.headers).toEqual(['e_mail', 'salutation', 'first_name', 'last_name']);
    const rows = await all(s);
    expect(rows.map((r) => r.values[3])).toEqual(['König', 'König', 'Özdemir', 'Öztürk']);
    expect(s.stats.emptyRows).toBe(1);
  });

  it('honours encoding and separator overrides', async () => {
    const s = await openSpreadsheet(fx('latin1-semicolon.csv'), { encoding: 'latin1', delimiter: ',' });
    expect([s.encoding, s.delimiter]).toEqual(['iso-8859-1', ',']);
    expect(s.headers).toEqual(['Email;Vorname;Nachname']);
    await expect(openSpreadsheet(fx('latin1-semicolon.csv'), { encoding: 'klingon' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('hand-built .xlsx: shared, inline and rich strings, 15 digits, leading zeros, dates, formulas', async () => {
    const s = await openSpreadsheet(fx('recipients.xlsx'));
    expect(s.format).toBe('xlsx');
    expect(s.sheets).toEqual(['Empfänger', 'Notizen']);
    expect(s.sheet).toBe('Empfänger');
    expect(s.headers).toEqual(['Email', 'Anrede', 'Vorname', 'Nachname', 'Kundennummer', 'Umsatz', 'Geburtstag', 'Bonus']);
    const rows = await all(s);
    expect(rows.map((r) => r.line)).toEqual([2, 3, 6, 7]);
    expect(rows[0].values).toEqual(['juergen.mueller@example.de', 'Herr', 'Jürgen', 'Müller', '00123', '123456789012345', '1985-07-14', '12345678901234.5']);
    expect(rows[1].values).toEqual(['inline@example.de', 'Frau', 'Ünal', 'Çelik', '00042', '0.1', '2000-02-29 12:00:00', '3.14']);
    expect(rows[2].values.slice(0, 6)).toEqual(['kaputt@', 'Herr', 'Jörg', 'Weiß', '00999', '12345678901234']);
    expect(rows[3].values[5]).toBe('100000000000000000000');
    expect(s.stats.emptyRows).toBe(1);
    // A second iteration starts again from the top.
    expect((await all(s)).length).toBe(4);
  });

  it('reads a chosen worksheet and names the sheets when one is missing', async () => {
    const p = await previewSpreadsheet(fx('recipients.xlsx'), 5, { sheet: 'Notizen' });
    expect(p.headers).toEqual(['Nur Notizen']);
    expect(p.rows).toEqual([]);
    await expect(openSpreadsheet(fx('recipients.xlsx'), { sheet: 'Fehlt' })).rejects.toMatchObject({ code: 'NOT_FOUND', details: { sheets: ['Empfänger', 'Notizen'] } });
  });

  it('reports progress with bytes and rows', async () => {
    const events: { bytesRead: number; totalBytes: number; rows: number }[] = [];
    const s = await openSpreadsheet(fx('german-excel.csv'));
    for await (const _ of s.rows((p) => events.push(p))) void _;
    expect(events.at(-1)).toEqual({ bytesRead: s.totalBytes, totalBytes: s.totalBytes, rows: 5 });
  });

  it('keeps multi-byte characters intact across read chunks of a big file', async () => {
    const path = join(tmp, 'big.csv');
    const line = 'ä@example.de;Jürgen;Größe €\n';
    writeFileSync(path, 'Email;Vorname;Nachname\n' + line.repeat(60000));
    const s = await openSpreadsheet(path);
    let n = 0;
    for await (const batch of s.batches()) {
      for (const r of batch) {
        if (r.values[2] !== 'Größe €') throw new Error(`row ${r.line}: ${r.values.join('|')}`);
        n++;
      }
    }
    expect(n).toBe(60000);
  });

  it('decodes the whole file at every size around its 64 KB reads, after a BOM, in every kind of encoding', async () => {
    // The reader's buffers are read into again once decoded: a decoder that kept a piece's bytes
    // (a character cut at the end of a piece) would see them overwritten.
    const K = 64 * 1024;
    const samples: readonly (readonly [string, string, number])[] = [
      ['utf-8', 'ä€x;😀', 3],
      ['utf-16le', 'ä€x;😀', 2],
      ['utf-16be', 'ä€x;😀', 2],
      ['windows-1252', 'ä€x;', 0],
      ['shift_jis', '日本語ｶﾅx;', 0],
      ['gb18030', '中文ä€x;😀', 0],
    ];
    for (const [encoding, unit, bom] of samples) {
      for (const size of [0, 1, K - 1, K, K + 1, 4 * K, 4 * K + 3, 5 * K + 7, 9 * K]) {
        const text = Array.from(unit.repeat(Math.ceil(size / unit.length) + 1)).slice(0, size).join('');
        const bytes = Buffer.concat([iconv.encode('\uFEFF', encoding).subarray(0, bom), iconv.encode(text, encoding)]);
        const path = join(tmp, `pieces-${size}-${encoding}.txt`);
        writeFileSync(path, bytes);
        let got = '';
        let last = 0;
        for await (const c of decodedChunks(path, { encoding, bomLength: bom })) {
          got += c.text;
          expect(c.bytesRead).toBeGreaterThan(last);
          last = c.bytesRead;
        }
        expect(got === text, `${size} characters in ${encoding}`).toBe(true);
        if (size > 0) expect(last).toBe(bytes.length);
      }
    }
  });

  it('decodes Windows-1252 and ISO-8859-1 exactly as iconv-lite does, every byte value, across pieces', async () => {
    // The reader decodes these single-byte charsets itself (Latin-1 plus the 0x80–0x9F table).
    let seed = 7;
    const random = Buffer.from(Array.from({ length: 300_000 }, () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) >> 16) & 0xff));
    const bytes = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), random, Buffer.alloc(70_000, 0x41), Buffer.from([0x80, 0x9f, 0x81])]);
    const path = join(tmp, 'single-byte.txt');
    writeFileSync(path, bytes);
    for (const encoding of ['windows-1252', 'iso-8859-1']) {
      let got = '';
      for await (const c of decodedChunks(path, { encoding, bomLength: 0 })) got += c.text;
      expect(got === iconv.decode(bytes, encoding), encoding).toBe(true);
    }
  });

  it.each([
    ['broken.xlsx', /could not be read|not a valid/],
    ['legacy.xls', /\.xls/],
    ['empty.csv', /empty/],
    ['binary.csv', /binary/],
    ['numbers-export.numbers', /Numbers/],
    ['not-a-workbook.xlsx', /not an Excel workbook/],
  ])('refuses %s with UNSUPPORTED_FILE and advice', async (name, message) => {
    const err = await openSpreadsheet(fx(name)).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'UNSUPPORTED_FILE' });
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).toMatch(/drop it again|new file/);
  });

  it('refuses a file with only empty lines, and a missing file', async () => {
    const path = join(tmp, 'blank.csv');
    writeFileSync(path, '\r\n;;\r\n\r\n');
    await expect(openSpreadsheet(path)).rejects.toMatchObject({ code: 'UNSUPPORTED_FILE' });
    await expect(openSpreadsheet(join(tmp, 'nope.csv'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
