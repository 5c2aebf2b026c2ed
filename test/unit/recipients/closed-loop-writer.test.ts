import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { closedLoopFileName, formatClosedLoopLine, plainLine, writeClosedLoopBatches, writeClosedLoopFile } from '../../../main/services/recipients/closed-loop-writer';

const dir = mkdtempSync(join(tmpdir(), 'loopdesk-writer-'));

describe('formatClosedLoopLine', () => {
  it('quotes every field, doubles quotes, separates with ; and ends with LF', () => {
    expect(formatClosedLoopLine(['a@example.de', '44018617811', '', 'Sag "Hallo"', 'x;y'])).toBe(
      '"a@example.de";"44018617811";"";"Sag ""Hallo""";"x;y"\n',
    );
  });

  it('keeps line breaks inside a quoted value but never writes CR', () => {
    expect(formatClosedLoopLine(['eins\r\nzwei', 'drei\rvier', 'fünf\nsechs'])).toBe('"eins\nzwei";"drei\nvier";"fünf\nsechs"\n');
  });
});

describe('writeClosedLoopFile', () => {
  it('writes the exact dialect: no header, no BOM, LF only, constant field count', async () => {
    const out = join(dir, 'plain.csv');
    const rows = [
      ['jürgen@example.de', '44018617811', '46623317811', 'Herr', 'Jürgen', 'Müller'],
      ['x@example.de', '44018617811', '46623317811', '', '', 'O"Brien; Jr.\nline'],
    ];
    const res = await writeClosedLoopFile(rows, out, { fieldCount: 6 });
    const bytes = readFileSync(out);
    expect(res.rows).toBe(2);
    expect(res.bytes).toBe(bytes.length);
    expect([...bytes.subarray(0, 3)]).not.toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    expect(text).not.toContain('\r');
    expect(text).toBe(
      '"jürgen@example.de";"44018617811";"46623317811";"Herr";"Jürgen";"Müller"\n' +
        '"x@example.de";"44018617811";"46623317811";"";"";"O""Brien; Jr.\nline"\n',
    );
    // Separators outside quotes: exactly fieldCount - 1 on every record.
    expect(text.replace(/"(?:[^"]|"")*"/g, '')).toBe(';;;;;\n;;;;;\n');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('streams from an async iterable and keeps a 255-character value whole', async () => {
    const long = 'ä'.repeat(255);
    async function* gen(): AsyncGenerator<string[]> {
      for (let i = 0; i < 5000; i++) yield [`u${i}@example.de`, long];
    }
    const out = join(dir, 'long.csv');
    const res = await writeClosedLoopFile(gen(), out, { fieldCount: 2 });
    expect(res.rows).toBe(5000);
    const lines = readFileSync(out, 'utf8').split('\n');
    expect(lines).toHaveLength(5001);
    expect(lines[4999]).toBe(`"u4999@example.de";"${long}"`);
  });

  it('writes ISO-8859-1 and Windows-1252 bytes', async () => {
    const latin = join(dir, 'latin1.csv');
    await writeClosedLoopFile([['Größe', 'ä']], latin, { fieldCount: 2, encoding: 'iso-8859-1' });
    expect(readFileSync(latin)).toEqual(Buffer.from([0x22, 0x47, 0x72, 0xf6, 0xdf, 0x65, 0x22, 0x3b, 0x22, 0xe4, 0x22, 0x0a]));
    const win = join(dir, 'win.csv');
    await writeClosedLoopFile([['10 €']], win, { fieldCount: 1, encoding: 'windows-1252' });
    expect(iconv.decode(readFileSync(win), 'windows-1252')).toBe('"10 €"\n');
    expect(readFileSync(win).includes(0x80)).toBe(true);
  });

  it('refuses a value the encoding cannot hold instead of writing ?', async () => {
    const out = join(dir, 'euro-latin1.csv');
    await expect(writeClosedLoopFile([['ok'], ['10 €']], out, { fieldCount: 1, encoding: 'iso-8859-1' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { row: 2, field: 1, character: '€' },
    });
    await expect(writeClosedLoopFile([['😀']], out, { fieldCount: 1, encoding: 'windows-1252' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(writeClosedLoopFile([['bad \uD800 surrogate']], out, { fieldCount: 1 })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(readdirSync(dir).filter((f) => f.startsWith('euro-latin1'))).toEqual([]);
  });

  it('takes plain lines a caller joined already, between rows of values, and still checks them', async () => {
    const out = join(dir, 'mixed.csv');
    await writeClosedLoopBatches([[['a@example.de', 'Anna'], plainLine(['b@example.de', 'Ben']), ['c@example.de', 'Sag "Hallo"']]], out, { fieldCount: 2 });
    expect(readFileSync(out, 'utf8')).toBe('"a@example.de";"Anna"\n"b@example.de";"Ben"\n"c@example.de";"Sag ""Hallo"""\n');
    const bad = join(dir, 'mixed-latin1.csv');
    await expect(writeClosedLoopBatches([[['a@example.de', 'Anna'], plainLine(['b@example.de', '10 €'])]], bad, { fieldCount: 2, encoding: 'iso-8859-1' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { row: 2, field: 2, character: '€' },
    });
    expect(readdirSync(dir).filter((f) => f.startsWith('mixed-latin1'))).toEqual([]);
  });

  it('writes many megabytes in batches byte for byte, and names the row of a lone surrogate wherever it falls', async () => {
    // ~3.5 MB of UTF-8 in batches of mixed sizes: the writer's blocks fill and go out mid-batch.
    const rowsOf = (i: number): string[] => [`user${i}@example.de`, 'Jürgen', i % 3 === 0 ? `Zoë "${i}"` : 'Łukasz €', 'x'.repeat(i % 40)];
    const batches: (string[] | string)[][] = [];
    let expected = '';
    let i = 0;
    for (let b = 0; i < 60_000; b++) {
      const batch: (string[] | string)[] = [];
      for (let k = 0; k < 1 + ((b * 7919) % 2500) && i < 60_000; k++, i++) {
        const values = rowsOf(i);
        const line = formatClosedLoopLine(values);
        // Half the rows as values, the others as plain lines where nothing needs escaping.
        batch.push(i % 2 === 0 || values.some((v) => v.includes('"')) ? values : plainLine(values));
        expected += line;
      }
      batches.push(batch);
    }
    const out = join(dir, 'big.csv');
    const res = await writeClosedLoopBatches(batches, out, { fieldCount: 4 });
    expect(res.rows).toBe(60_000);
    const bytes = readFileSync(out);
    expect(bytes.length).toBeGreaterThan(3_000_000);
    expect(res.bytes).toBe(bytes.length);
    expect(bytes.equals(Buffer.from(expected, 'utf8'))).toBe(true);

    // A legitimate U+FFFD is written; a lone surrogate is refused with its row and field, in the
    // first block, across a block boundary and in the last rows.
    const fine = join(dir, 'replacement.csv');
    await writeClosedLoopBatches([[['a\uFFFDb', 'x']]], fine, { fieldCount: 2 });
    expect(readFileSync(fine, 'utf8')).toBe('"a\uFFFDb";"x"\n');
    for (const at of [5, 29_000, 59_999]) {
      const broken = batches.map((batch) => batch.slice());
      let row = 0;
      for (const batch of broken) {
        if (row + batch.length > at) {
          const values = rowsOf(at);
          values[2] = 'kaputt \uDC00';
          batch[at - row] = at % 2 === 0 || values.some((v) => v.includes('"')) ? values : plainLine(values);
          break;
        }
        row += batch.length;
      }
      const bad = join(dir, `surrogate-${at}.csv`);
      await expect(writeClosedLoopBatches(broken, bad, { fieldCount: 4 })).rejects.toMatchObject({ code: 'VALIDATION_FAILED', details: { row: at + 1, field: 3, character: '\uDC00' } });
      expect(readdirSync(dir).filter((f) => f.startsWith(`surrogate-${at}`))).toEqual([]);
    }
  });

  it('throws on a row with a different field count and leaves no file behind', async () => {
    const out = join(dir, 'count.csv');
    await expect(writeClosedLoopFile([['a', 'b'], ['c']], out, { fieldCount: 2 })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { row: 2, fields: 1, expected: 2 },
    });
    expect(readdirSync(dir).filter((f) => f.startsWith('count'))).toEqual([]);
  });
});

describe('closedLoopFileName', () => {
  const t = new Date('2024-03-31T00:59:59Z');

  it('uses the given IANA time zone', () => {
    expect(closedLoopFileName(t, 'UTC', 'subscribers')).toBe('20240331005959_subscribers.csv');
    // 01:59:59 CET, the second before the switch to summer time.
    expect(closedLoopFileName(t, 'Europe/Berlin', 'subscribers')).toBe('20240331015959_subscribers.csv');
    expect(closedLoopFileName(new Date('2024-03-31T01:00:00Z'), 'Europe/Berlin', 'products')).toBe('20240331030000_products.csv');
  });

  it('moves to the next free second when the name is taken', () => {
    const taken = new Set(['20240331005959_subscribers.csv', '20240331010000_subscribers.csv']);
    expect(closedLoopFileName(t, 'UTC', 'subscribers', (n) => taken.has(n))).toBe('20240331010001_subscribers.csv');
  });

  it('UTC and the workstation zone (read from Date, not Intl) give what Intl gives, across the summer-time switches', () => {
    const intlStamp = (fmt: Intl.DateTimeFormat, d: Date): string => {
      const p: Record<string, string> = {};
      for (const part of fmt.formatToParts(d)) p[part.type] = part.value;
      return `${p.year}${p.month}${p.day}${p.hour}${p.minute}${p.second}`;
    };
    const options: Intl.DateTimeFormatOptions = { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' };
    const moments = ['2024-03-31T00:59:59Z', '2024-03-31T01:00:00Z', '2024-10-27T00:59:59Z', '2024-10-27T01:00:00Z', '2024-03-10T06:59:59Z', '2024-11-03T06:00:00Z'].map((s) => new Date(s));
    for (let ms = Date.UTC(2024, 0, 1); ms < Date.UTC(2025, 0, 1); ms += 7 * 3_600_000 + 1234) moments.push(new Date(ms));
    const before = process.env.TZ;
    try {
      for (const zone of ['Europe/Berlin', 'America/New_York', 'Australia/Sydney', 'UTC']) {
        process.env.TZ = zone;
        const local = new Intl.DateTimeFormat('en-GB', options);
        const utc = new Intl.DateTimeFormat('en-GB', { ...options, timeZone: 'UTC' });
        expect(local.resolvedOptions().timeZone).toBe(zone);
        for (const d of moments) {
          expect(closedLoopFileName(d, '', 'subscribers'), `${zone} ${d.toISOString()}`).toBe(`${intlStamp(local, d)}_subscribers.csv`);
          expect(closedLoopFileName(d, 'UTC', 'subscribers'), d.toISOString()).toBe(`${intlStamp(utc, d)}_subscribers.csv`);
        }
      }
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  });

  it('uses the workstation zone when empty and rejects unknown zones', () => {
    expect(closedLoopFileName(t, '', 'subscribers')).toMatch(/^\d{14}_subscribers\.csv$/);
    expect(() => closedLoopFileName(t, 'Mars/Olympus', 'subscribers')).toThrow(/time zone/);
  });
});
