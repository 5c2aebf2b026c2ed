import { Readable } from 'node:stream';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { CsvSplitter } from '../../../main/services/recipients/csv-splitter';

/** Small seeded PRNG (mulberry32), so a failure can be replayed from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Records papaparse gives for the text written in these chunks through NODE_STREAM_INPUT (what the reader used before). */
async function papaRecords(chunks: readonly string[], delimiter: string): Promise<string[][]> {
  const out: string[][] = [];
  await new Promise<void>((resolve, reject) => {
    const parser = Papa.parse(Papa.NODE_STREAM_INPUT, { delimiter, quoteChar: '"', escapeChar: '"', header: false, skipEmptyLines: false }) as unknown as NodeJS.ReadWriteStream;
    parser.on('data', (r: string[]) => out.push(r));
    parser.on('end', () => resolve());
    parser.on('error', reject);
    Readable.from(chunks, { objectMode: true }).pipe(parser);
  });
  return out;
}

function splitterRecords(chunks: readonly string[], delimiter: string): string[][] {
  const out: string[][] = [];
  const s = new CsvSplitter(delimiter);
  for (const c of chunks) s.push(c, (r) => out.push(r));
  s.end((r) => out.push(r));
  return out;
}

/** Random CSV text: mostly plain lines, some quoted fields with separators, doubled quotes and line breaks, some malformed. */
function randomCsv(rnd: () => number, lines: number, delimiter: string, newline: string, malformed: boolean): string {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const plain = ['a', 'Jürgen', 'user@example.com', '', ' x ', '00123', 'Zoë 😀', 'b c', '1,5'];
  const quoted = [`x${delimiter}y`, 'say "hi"', 'two\nlines', 'two\r\nlines', '"', '', `${delimiter}`, 'end\r', '""'];
  let text = '';
  for (let l = 0; l < lines; l++) {
    const n = 1 + Math.floor(rnd() * 6);
    const fields: string[] = [];
    for (let f = 0; f < n; f++) {
      const r = rnd();
      if (r < 0.75) fields.push(pick(plain).replaceAll(delimiter, ''));
      else if (r < 0.95) fields.push(`"${pick(quoted).replace(/"/g, '""')}"`);
      else if (malformed) fields.push(pick(['ab"c', '"open', '"a"b', 'x"', '"a" ', '"q""']));
      else fields.push('"plain quoted"');
    }
    text += fields.join(delimiter);
    if (rnd() < 0.03) text += newline; // empty line
    text += newline;
  }
  if (rnd() < 0.5) text = text.slice(0, text.length - newline.length); // last line without line end
  return text;
}

/** Cuts text into chunks of random size (1 character up to 4 KB), as a file stream would. */
function chunked(rnd: () => number, text: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; ) {
    const size = rnd() < 0.2 ? 1 + Math.floor(rnd() * 8) : 1 + Math.floor(rnd() * 4096);
    out.push(text.slice(i, i + size));
    i += size;
  }
  return out;
}

describe('CsvSplitter agrees with papaparse', () => {
  it.each([
    [1, ';', '\n', false],
    [2, ';', '\r\n', false],
    [3, ',', '\r\n', true],
    [4, '\t', '\n', true],
    [5, ';', '\r', false],
    [6, '|', '\n', true],
  ])('seed %i: separator %j, line end %j, malformed quotes %s', async (seed, delimiter, newline, malformed) => {
    const rnd = prng(seed);
    const text = randomCsv(rnd, 3000, delimiter, newline, malformed);
    const chunks = chunked(rnd, text);
    const ours = splitterRecords(chunks, delimiter);
    expect(ours).toEqual(await papaRecords(chunks, delimiter));
    // Unterminated quotes in the malformed files swallow lines, exactly as papaparse does.
    expect(ours.length).toBeGreaterThan(malformed ? 1000 : 2900);
  });

  it.each([
    [11, ';', '\n'],
    [12, ';', '\r\n'],
    [13, ',', '\r'],
  ])('seed %i: a record with a range is exactly that range of the text, split at %j (line end %j), across chunks', (seed, delimiter, newline) => {
    const rnd = prng(seed);
    // Quoted and malformed lines, then mostly plain ones (those get ranges), then both again.
    const plain = (lines: number): string =>
      Array.from({ length: lines }, (_, l) => (l % 97 === 0 ? `"q${delimiter}${l}"` : `u${l}@example.com${delimiter}Jürgen${delimiter}${l % 7 === 0 ? '' : 'Zoë 😀'}`)).join(newline) + newline;
    const text = randomCsv(rnd, 500, delimiter, newline, true) + newline + plain(3000) + randomCsv(rnd, 500, delimiter, newline, false);
    const chunks = chunked(rnd, text);
    const s = new CsvSplitter(delimiter);
    let ranged = 0;
    let acrossChunks = 0;
    const ends: number[] = [];
    for (let at = 0, c = 0; c < chunks.length; at += chunks[c].length, c++) ends.push(at + chunks[c].length);
    for (const c of chunks) {
      s.push(c, (values, start, end) => {
        if (start === undefined || end === undefined) return;
        ranged++;
        if (ends.some((e) => e > start && e < end)) acrossChunks++;
        expect(text.slice(start, end).split(delimiter)).toEqual(values);
      });
    }
    expect(ranged).toBeGreaterThan(2500);
    expect(acrossChunks).toBeGreaterThan(30);
  });

  it('handles a quoted record that spans many chunks, and text without any line end', async () => {
    const text = `a;"${'long\n'.repeat(2000)}";b\nc;d`;
    const chunks = chunked(prng(7), text);
    expect(splitterRecords(chunks, ';')).toEqual(await papaRecords(chunks, ';'));
    expect(splitterRecords(['x;y'], ';')).toEqual([['x', 'y']]);
    expect(splitterRecords(['"unterminated;x\ny'], ';')).toEqual(await papaRecords(['"unterminated;x\ny'], ';'));
  });
});

describe('CsvSplitter limits', () => {
  it('refuses a record longer than the limit (an unclosed quote) instead of re-scanning it forever', () => {
    const s = new CsvSplitter(';', { source: 'open.csv', maxRecordChars: 1000 });
    const rows: string[][] = [];
    s.push('E-Mail;Notiz\na@example.de;ok\nb@example.de;"', (r) => rows.push(r));
    let err: unknown;
    try {
      for (let i = 0; i < 20; i++) s.push('line;\n'.repeat(20), (r) => rows.push(r));
    } catch (e) {
      err = e;
    }
    expect(rows).toEqual([['E-Mail', 'Notiz'], ['a@example.de', 'ok']]);
    expect(err).toMatchObject({ code: 'UNSUPPORTED_FILE', details: { path: 'open.csv', record: 3 } });
    expect((err as Error).message).toMatch(/record 3\) longer than .*quote is probably never closed.*drop it again/);
  });
});
