import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MASTER_FIELDS, type MasterField } from '../../../shared/contract/profiles';
import { csvBatches } from '../../../main/services/recipients/csv-reader';
import { PARALLEL_MIN_BYTES, ParallelSubscribersWriter, worthAWorker, type WorkerJob } from '../../../main/services/recipients/parallel-subscribers';
import { prepare, type PrepareInput, type PrepareReport } from '../../../main/services/recipients/prepare';

const now = new Date('2024-06-01T10:00:00Z');
const FIELDS: MasterField[] = [
  ...DEFAULT_MASTER_FIELDS,
  { name: 'Kundennummer', type: 'Bigint', required: false },
  { name: 'Geburtstag', type: 'Date', required: false },
  { name: 'Stadt', type: 'Varchar', length: 20, required: false },
];
const HEADER = ['E-Mail', 'Anrede', 'Vorname', 'Nachname', 'Kundennummer', 'Geburtstag', 'Stadt', 'Notiz'];
const NAMES = ['Jürgen', 'Zoë', 'Łukasz', 'Renée', 'Anna "Anni"', 'Groß; Klein', 'O\'Brien', 'Ärger\nzweizeilig'];
const CITIES = ['München', 'Köln', ' Düsseldorf ', 'Zürich', 'Frankfurt am Main an der Oder', '', 'Wien', '=1+1', '@SUM(A1)', 'Neu\r\nStadt'];

/** A few thousand rows with everything the validator and the writer treat specially. */
function hostileCsv(rows: number): string {
  const q = (v: string): string => (/[;"\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const lines = [HEADER.join(';')];
  for (let i = 1; i <= rows; i++) {
    // Duplicates reach back across batch boundaries (1024 rows), some to an earlier invalid row.
    const email =
      i % 97 === 0 ? `kaputt${i}.example.de`
      : i % 89 === 0 ? `  USER${i - 1500}@Example.COM `
      : i % 131 === 0 ? `user${i - 1030}@example.com`
      : i % 151 === 0 ? `kaputt${i - 151 * 2}@`
      : `user${i}@example.com`;
    const date = i % 7 === 0 ? `${(i % 28) + 1}.${(i % 12) + 1}.1980` : i % 53 === 0 ? '31.02.1999' : i % 11 === 0 ? '' : `1990-0${(i % 9) + 1}-1${i % 9}`;
    const id = i % 211 === 0 ? `12a${i}` : i % 223 === 0 ? ` ${i} ` : String(i);
    lines.push([email, i % 2 ? 'Herr' : 'Frau', NAMES[i % NAMES.length], NAMES[(i >> 3) % NAMES.length], id, date, CITIES[i % CITIES.length], `Notiz ${i} "x"`].map(q).join(';'));
    if (i % 401 === 0) lines.push(';;;;;;;');
    if (i % 677 === 0) lines.push('');
  }
  return lines.join('\r\n') + '\r\n';
}

function files(dir: string): Record<string, Buffer> {
  return Object.fromEntries(readdirSync(dir).sort().map((n) => [n, readFileSync(join(dir, n))]));
}

async function both(input: string, extra: Partial<PrepareInput> = {}): Promise<{ single: PrepareReport; parallel: PrepareReport; a: string; b: string }> {
  const a = mkdtempSync(join(tmpdir(), 'loopdesk-par-a-'));
  const b = mkdtempSync(join(tmpdir(), 'loopdesk-par-b-'));
  const opts = { input, fields: FIELDS, sourceMailingId: '44018617811', waveId: '46623317811', encoding: 'utf-8' as const, timeZone: 'UTC', now, ...extra };
  const single = await prepare({ ...opts, outDir: a, parallel: false });
  const parallel = await prepare({ ...opts, outDir: b, parallel: true });
  return { single, parallel, a, b };
}

function comparable(r: PrepareReport): unknown {
  return { ...r, durationMs: 0, files: Object.keys(r.files), rejectedFile: r.rejectedFile !== undefined };
}

describe('prepare with a writer thread', () => {
  // Each line-break setting on both paths (issue #10, item 7): the files and reports must agree.
  for (const lineBreaks of ['space', 'reject', 'keep'] as const) {
    it(`writes byte for byte the same subscribers and rejected files as the single-threaded path (lineBreaks: ${lineBreaks})`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'loopdesk-par-in-'));
      const input = join(dir, 'empfänger.csv');
      writeFileSync(input, hostileCsv(3500));
      const suppressed = (e: string): string | undefined => (e === 'user42@example.com' || e === 'user2100@example.com' ? 'unsubscribed' : undefined);
      const edits = { overrides: [{ line: 98, field: 'Email', value: 'repariert@example.com' }, { line: 300, field: 'Stadt', value: 'Neu-Ulm' }], excludedLines: [5, 1500, 3000] };
      const { single, parallel, a, b } = await both(input, { suppressed, edits, lineBreaks });
      // The file exercises what it should: fixes (patched rows), problems of every kind, duplicates.
      expect(single.summary.fixes.TRIMMED).toBeGreaterThan(10);
      expect(single.summary.fixes.DATE_NORMALISED).toBeGreaterThan(100);
      expect(single.summary.problems).toMatchObject({ INVALID_EMAIL: expect.any(Number), DUPLICATE_EMAIL: expect.any(Number), TOO_LONG: expect.any(Number), NOT_A_NUMBER: expect.any(Number), INVALID_DATE: expect.any(Number), SUPPRESSED: 2 });
      expect(single.summary.problems.DUPLICATE_EMAIL).toBeGreaterThan(20);
      expect(single.summary.flags.FORMULA).toBeGreaterThan(100);
      expect(single.flagged.some((f) => f.code === 'FORMULA' && f.value === '=1+1')).toBe(true);
      expect(single.excludedByOperator).toBe(3);
      expect(single.emptyRows).toBeGreaterThan(5);
      expect(comparable(parallel)).toEqual(comparable(single));
      const fa = files(a);
      const fb = files(b);
      expect(Object.keys(fb)).toEqual(['20240601100000_rejected.csv', '20240601100000_subscribers.csv']);
      expect(Object.keys(fb)).toEqual(Object.keys(fa));
      for (const name of Object.keys(fa)) expect(fb[name].equals(fa[name]), name).toBe(true);
      const text = fa['20240601100000_subscribers.csv'].toString('utf8');
      expect(text).toContain('"repariert@example.com"');
      expect(text).toContain('"Anna ""Anni"""');
      expect(text).toContain('"=1+1"');
      if (lineBreaks === 'keep') {
        expect(text).toContain('"Ärger\nzweizeilig"');
        expect(text).toContain('"Neu\nStadt"');
        expect(single.summary.fixes.LINE_BREAK_REPLACED).toBeUndefined();
      } else if (lineBreaks === 'space') {
        expect(text).toContain('"Ärger zweizeilig"');
        expect(text).toContain('"Neu Stadt"');
        expect(text).not.toMatch(/[^"]\n/);
        expect(single.summary.fixes.LINE_BREAK_REPLACED).toBeGreaterThan(500);
        expect(single.tidied.find((f) => f.code === 'LINE_BREAK_REPLACED')).toMatchObject({ before: expect.stringMatching(/\n/), after: expect.not.stringMatching(/[\r\n]/) });
      } else {
        expect(text).not.toContain('zweizeilig');
        expect(text).not.toContain('Neu Stadt');
        expect(text).not.toContain('Neu\nStadt');
        expect(single.summary.problems.LINE_BREAK).toBeGreaterThan(500);
        expect(fa['20240601100000_rejected.csv'].toString('utf8')).toContain('line break');
      }
      // Line breaks are flagged on the rows that are sent; under reject no such row is sent.
      if (lineBreaks === 'reject') expect(single.summary.flags.LINE_BREAK).toBeUndefined();
      else expect(single.summary.flags.LINE_BREAK).toBeGreaterThan(500);
      // First occurrence wins: user1 (row 1) is written, its later duplicate (row 1031 → user1) is not.
      expect(text.split('"user1@example.com"').length).toBe(2);
    });
  }

  it('same result for Windows-1252 input and output, with unencodable values', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loopdesk-par-in-'));
    const input = join(dir, 'latin.csv');
    writeFileSync(input, Buffer.concat([iconv.encode(hostileCsv(1200).replace(/Łukasz/g, 'Lukasz'), 'windows-1252')]));
    const { single, parallel, a, b } = await both(input, { encoding: 'iso-8859-1' });
    expect(single.sourceEncoding).toBe('windows-1252');
    expect(comparable(parallel)).toEqual(comparable(single));
    const fa = files(a);
    const fb = files(b);
    expect(Object.keys(fb)).toEqual(Object.keys(fa));
    for (const name of Object.keys(fa)) expect(fb[name].equals(fa[name]), name).toBe(true);
  });

  it('an error on the validating side stops the writer thread and leaves no partial files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loopdesk-par-in-'));
    const input = join(dir, 'r.csv');
    writeFileSync(input, hostileCsv(300));
    const out = mkdtempSync(join(tmpdir(), 'loopdesk-par-out-'));
    const run = prepare({ input, fields: FIELDS, sourceMailingId: '1', waveId: '2', encoding: 'utf-8', timeZone: 'UTC', now, outDir: out, parallel: true, edits: { overrides: [{ line: 99999, field: 'Email', value: 'x@example.com' }] } });
    await expect(run).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('99999') });
    expect(readdirSync(out)).toEqual([]);
  });

  it('a quote that never closes in a big file ends in the reader\'s clear error, not a hang or a pile-up', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loopdesk-par-in-'));
    const input = join(dir, 'kaputt.csv');
    writeFileSync(input, 'E-Mail;Vorname\r\na@example.com;Anna\r\n"b@example.com;' + 'x;'.repeat(3_500_000) + '\r\n');
    const out = mkdtempSync(join(tmpdir(), 'loopdesk-par-out-'));
    const run = prepare({ input, fields: FIELDS, sourceMailingId: '1', waveId: '2', encoding: 'utf-8', timeZone: 'UTC', now, outDir: out, parallel: true });
    await expect(run).rejects.toMatchObject({ code: 'UNSUPPORTED_FILE', message: expect.stringContaining('quote is probably never closed') });
    expect(readdirSync(out)).toEqual([]);
  });
});

/** Rows without quotes (cut from the file by the writer thread), with fixes and a few quoted rows between. */
function plainCsv(rows: number, newline: string): string {
  const names = ['Jürgen', 'Zoë', 'Łukasz', 'Renée', 'Ünal', 'Søren', 'Ōta 🙂', 'Anna'];
  const lines = [HEADER.join(';')];
  for (let i = 1; i <= rows; i++) {
    const email = i % 97 === 0 ? ` user${i}@example.com ` : i % 89 === 0 ? `kaputt${i}` : `user${i}@example.com`;
    const note = i % 500 === 0 ? '"mit ""Anführung"""' : `Notiz ${i}`;
    // Now and then a lone CR inside a value (a Mac line break pasted into a cell): written as LF.
    const first = i % 997 === 0 ? 'Ann\ra' : names[i % names.length];
    lines.push([email, i % 2 ? 'Herr' : 'Frau', first, names[(i >> 3) % names.length], String(i), i % 7 === 0 ? '1.2.1980' : '', 'Köln', note].join(';'));
  }
  return lines.join(newline) + newline;
}

describe('prepare with a writer thread, records cut from the file', () => {
  const cases: [string, (text: string) => Buffer, string, 'utf-8' | 'windows-1252'][] = [
    ['UTF-8, LF', (t) => Buffer.from(t, 'utf8'), '\n', 'utf-8'],
    ['UTF-8 with BOM, CRLF', (t) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(t, 'utf8')]), '\r\n', 'utf-8'],
    ['UTF-16LE with BOM, CRLF', (t) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(t, 'utf16le')]), '\r\n', 'utf-8'],
    // eslint-disable-next-line no-control-regex -- the Latin-1 range starts at \x00 on purpose
    ['Windows-1252, CRLF', (t) => iconv.encode(t.replace(/[^\x00-\xff]/gu, '?'), 'windows-1252'), '\r\n', 'windows-1252'],
  ];
  for (const [name, encode, newline, out] of cases) {
   for (const lineBreaks of ['keep', 'space', 'reject'] as const) {
    it(`${name}, lineBreaks ${lineBreaks}: the same bytes as the single-threaded path over many read pieces`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'loopdesk-par-in-'));
      const input = join(dir, 'plain.csv');
      // About 600 KB: ten and more read pieces, characters of two to four bytes across their edges.
      writeFileSync(input, encode(plainCsv(9000, newline)));
      const edits = { overrides: [{ line: 4000, field: 'Stadt', value: 'Neu-Ulm' }] };
      const { single, parallel, a, b } = await both(input, { edits, encoding: out === 'utf-8' ? 'utf-8' : 'iso-8859-1', lineBreaks });
      expect(single.summary.fixes.TRIMMED).toBeGreaterThan(50);
      expect(single.summary.problems.INVALID_EMAIL).toBeGreaterThan(50);
      expect(comparable(parallel)).toEqual(comparable(single));
      const fa = files(a);
      const fb = files(b);
      expect(Object.keys(fb)).toEqual(Object.keys(fa));
      for (const f of Object.keys(fa)) expect(fb[f].equals(fa[f]), f).toBe(true);
      expect(fa['20240601100000_subscribers.csv'].toString('latin1')).toContain('"Neu-Ulm"');
      // A lone CR inside an unquoted record: the writer thread cuts such a record from the text.
      const written = fa['20240601100000_subscribers.csv'].toString('latin1');
      if (lineBreaks === 'keep') expect(written).toContain('"Ann\na"');
      else expect(written).not.toContain('"Ann\na"');
      if (lineBreaks === 'space') expect(written).toContain('"Ann a"');
      if (lineBreaks === 'reject') expect(single.summary.problems.LINE_BREAK).toBe(9);
    });
   }
  }
});

describe('prepare with a writer thread, fixed values', () => {
  it('a fixed value with quotes is escaped the same way on both paths', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loopdesk-par-in-'));
    const input = join(dir, 'plain.csv');
    writeFileSync(input, plainCsv(3000, '\n'));
    const first = await both(input);
    const mapping = first.single.mapping.map((m) => (m.field === 'Salutation' ? { field: m.field, source: { kind: 'constant' as const, value: 'Liebe "Kundin"; lieber Kunde' } } : m));
    const { single, parallel, a, b } = await both(input, { mapping });
    expect(comparable(parallel)).toEqual(comparable(single));
    const fa = files(a);
    const fb = files(b);
    for (const f of Object.keys(fa)) expect(fb[f].equals(fa[f]), f).toBe(true);
    expect(fa['20240601100000_subscribers.csv'].toString('utf8')).toContain('"Liebe ""Kundin""; lieber Kunde"');
  });
});

describe('the worker thread failing', () => {
  const job = (over: Partial<WorkerJob>): WorkerJob => ({
    path: '', encoding: 'utf-8', bomLength: 0, delimiter: ';', outPath: '', writeEncoding: 'utf-8', fieldCount: 1,
    mapping: [{ field: 'Email', source: { kind: 'column', column: 0, header: 'E-Mail', confidence: 1 } }], ctx: { sourceMailingId: '1', waveId: '2' }, ...over,
  });

  it('a file it cannot read ends the caller\'s hand-over with that error, and nothing is left', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loopdesk-par-fail-'));
    const w = new ParallelSubscribersWriter(job({ path: join(dir, 'gone.csv'), outPath: join(dir, 'out.csv') }));
    const run = (async () => {
      w.add({ line: 1, values: ['a@example.com'], start: 0, end: 13 });
      await w.flush();
      return w.finish();
    })();
    await expect(run).rejects.toThrow(/ENOENT|no such file/);
    await w.abort();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a file it cannot write ends the caller\'s next hand-over with that error, and nothing is left', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loopdesk-par-fail-'));
    const input = join(dir, 'in.csv');
    writeFileSync(input, 'a@example.com\nb@example.com\n');
    const w = new ParallelSubscribersWriter(job({ path: input, outPath: join(dir, 'missing-folder', 'out.csv') }));
    const run = (async () => {
      for await (const batch of csvBatches(input, { encoding: 'utf-8', bomLength: 0, delimiter: ';' })) {
        for (const row of batch.rows) w.add(row);
        await w.flush();
      }
      return w.finish();
    })();
    await expect(run).rejects.toThrow(/ENOENT|no such file/);
    await w.abort();
    expect(readdirSync(dir)).toEqual(['in.csv']);
  });
});

describe('worthAWorker', () => {
  it('uses a second thread only for big files and only with a second core', () => {
    expect(worthAWorker(100e6, 2)).toBe(true);
    expect(worthAWorker(100e6, 1)).toBe(false);
    expect(worthAWorker(PARALLEL_MIN_BYTES - 1, 8)).toBe(false);
  });
});
