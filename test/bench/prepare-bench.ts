/**
 * Benchmark of `prepare` (read → map → validate → write) against bare papaparse on the same file,
 * of the CSV reader alone against the same baseline, and of a Windows-1252 file. Each measured step runs in its
 * own child process, so peak RSS is that step's alone. Run: `npx tsx test/bench/prepare-bench.ts`.
 */
import { execFile } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import iconv from 'iconv-lite';
import Papa from 'papaparse';
import { benchChildScript } from './bench-bundle';
import type { BenchResult } from './run-bench';
import { prepare } from '../../main/services/recipients/prepare';
import { openSpreadsheet } from '../../main/services/recipients/spreadsheet';
import { DEFAULT_MASTER_FIELDS, type MasterField } from '../../shared/contract/profiles';

const run = promisify(execFile);
const CSV_ROWS = 1_000_000;
const SELF = fileURLToPath(import.meta.url);
/** Each side runs this many times, alternating; the median is reported (the machine is shared). */
const REPEATS = 5;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Alternates baseline and ours REPEATS times; returns medians of wall and CPU time, max peak RSS. */
async function compare(baseMode: string, file: string, work: string, oursMode = 'prepare'): Promise<{ base: ChildResult; ours: ChildResult }> {
  const b: ChildResult[] = [];
  const o: ChildResult[] = [];
  for (let i = 0; i < REPEATS; i++) {
    b.push(await child(baseMode, file, work));
    const out = join(work, `out-${baseMode}-${i}`);
    o.push(await child(oursMode, file, out));
    await rm(out, { recursive: true, force: true });
  }
  const pick = (rs: ChildResult[]): ChildResult => ({
    seconds: median(rs.map((r) => r.seconds)),
    cpuSeconds: median(rs.map((r) => r.cpuSeconds)),
    rows: rs[0].rows,
    peakRssMB: Math.max(...rs.map((r) => r.peakRssMB)),
  });
  return { base: pick(b), ours: pick(o) };
}

const FIELDS: MasterField[] = [
  ...DEFAULT_MASTER_FIELDS,
  { name: 'Kundennummer', type: 'Varchar', length: 50, required: false },
  { name: 'Stadt', type: 'Varchar', length: 255, required: false },
];
const FIRST = ['Jürgen', 'Anna', 'Zoë', 'Mehmet', 'Łukasz', 'Sophie', 'Björn', 'Renée'];
const LAST = ['Müller', 'Schön', 'Groß', 'Öztürk', 'Weiß', 'Nguyen', 'Smith', 'Fischer'];
const CITY = ['München', 'Köln', 'Düsseldorf', 'Berlin', 'Hamburg', 'Zürich', 'Wien', 'Frankfurt am Main'];

/** One synthetic source row: 8 columns, a few quoted values, duplicates and bad addresses sprinkled in. */
function sourceRow(i: number): string[] {
  const email = i % 997 === 0 ? `kaputt${i}.example.de` : i % 1009 === 0 ? `user${i - 1}@example.com` : `user${i}@example.com`;
  return [
    email,
    i % 2 === 0 ? 'Herr' : 'Frau',
    FIRST[i % FIRST.length],
    LAST[(i >> 3) % LAST.length],
    String(i).padStart(10, '0'),
    CITY[(i >> 5) % CITY.length],
    i % 50 === 0 ? `Notiz mit "Anführung"; und Semikolon ${i}` : `Kunde seit ${2000 + (i % 24)}, Segment ${i % 7}`,
    `2024-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`,
  ];
}

const HEADERS = ['E-Mail', 'Anrede', 'Vorname', 'Nachname', 'Kundennummer', 'Stadt', 'Notiz', 'Datum'];

export async function writeCsv(path: string, rows: number, encoding: 'utf-8' | 'windows-1252' = 'utf-8'): Promise<void> {
  const out = createWriteStream(path);
  const bytes = (text: string): Buffer => (encoding === 'utf-8' ? Buffer.from(text, 'utf8') : iconv.encode(text, encoding));
  const quote = (v: string): string => (/[;"\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  let chunk = HEADERS.join(';') + '\r\n';
  for (let i = 1; i <= rows; i++) {
    chunk += sourceRow(i).map(quote).join(';') + '\r\n';
    if (chunk.length > 1 << 20) {
      if (!out.write(bytes(chunk))) await new Promise<void>((r) => out.once('drain', () => r()));
      chunk = '';
    }
  }
  await new Promise<void>((resolve, reject) => out.end(bytes(chunk), () => resolve()).on('error', reject));
}

interface ChildResult {
  readonly seconds: number;
  /** CPU time of the step (user + system): steadier than wall time on a busy machine. */
  readonly cpuSeconds: number;
  readonly rows: number;
  readonly peakRssMB: number;
}

/**
 * Runs one measured step in a fresh process, from this file bundled with the prepare worker beside
 * it as the app ships them (see benchChildScript), returning its time and peak RSS.
 */
async function child(mode: string, file: string, outDir: string): Promise<ChildResult> {
  const script = await benchChildScript(SELF, 'prepare-bench-child', { 'prepare-worker': fileURLToPath(new URL('../../main/services/recipients/prepare-worker.ts', import.meta.url)) });
  const { stdout } = await run(process.execPath, [script, '--child', mode, file, outDir], { maxBuffer: 1 << 20, cwd: process.cwd() });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as ChildResult;
}

async function childMain(mode: string, file: string, outDir: string): Promise<void> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let rows = 0;
  if (mode === 'papaparse') {
    await new Promise<void>((resolve, reject) => {
      const parser = Papa.parse(Papa.NODE_STREAM_INPUT, { delimiter: ';' }) as unknown as NodeJS.ReadWriteStream;
      parser.on('data', () => rows++);
      parser.on('end', () => resolve());
      parser.on('error', reject);
      createReadStream(file).on('error', reject).pipe(parser);
    });
  } else if (mode === 'papaparse-1252') {
    await new Promise<void>((resolve, reject) => {
      const parser = Papa.parse(Papa.NODE_STREAM_INPUT, { delimiter: ';' }) as unknown as NodeJS.ReadWriteStream;
      parser.on('data', () => rows++);
      parser.on('end', () => resolve());
      parser.on('error', reject);
      createReadStream(file).on('error', reject).pipe(iconv.decodeStream('windows-1252')).pipe(parser);
    });
  } else if (mode === 'read') {
    // The reader alone (decode, split, empty-row check): the part papaparse is the baseline of.
    const sheet = await openSpreadsheet(file);
    for await (const batch of sheet.batches()) rows += batch.length;
  } else {
    // 'prepare' lets prepare choose (the worker thread on two cores or more); the others force a path.
    const parallel = mode === 'prepare-parallel' ? true : mode === 'prepare-single' ? false : undefined;
    const report = await prepare({ input: file, fields: FIELDS, sourceMailingId: '44018617811', outDir, encoding: 'utf-8', timeZone: 'UTC', parallel });
    rows = report.rows;
    if (report.valid < rows * 0.99) throw new Error(`only ${report.valid} of ${rows} rows valid`);
  }
  const seconds = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  const cpuSeconds = (c.user + c.system) / 1e6;
  console.log(JSON.stringify({ seconds, cpuSeconds, rows, peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024) }));
}

/** The prepare benchmarks: 1M-row CSV (UTF-8 and Windows-1252) against papaparse; .xlsx is xlsx-bench.ts. */
export async function runPrepareBench(): Promise<BenchResult[]> {
  const work = await mkdtemp(join(tmpdir(), 'loopdesk-prepare-bench-'));
  try {
    const csv = join(work, 'recipients.csv');
    await writeCsv(csv, CSV_ROWS);
    const csvMB = Math.round((await stat(csv)).size / 1e6);
    const { base, ours } = await compare('papaparse', csv, work);
    if (base.rows !== CSV_ROWS + 1 || ours.rows !== CSV_ROWS) throw new Error(`row counts differ: papaparse ${base.rows}, prepare ${ours.rows}`);
    const { base: pbase, ours: par } = await compare('papaparse', csv, work, 'prepare-parallel');
    const { base: sbase, ours: single } = await compare('papaparse', csv, work, 'prepare-single');
    const { base: rbase, ours: read } = await compare('papaparse', csv, work, 'read');
    if (read.rows !== CSV_ROWS) throw new Error(`reader rows: ${read.rows}`);

    // The same rows in Windows-1252 (German Excel's "CSV (Trennzeichen-getrennt)"): prepare detects
    // the encoding; the baseline is papaparse behind iconv-lite's decoder, the least any reader does.
    const ansi = join(work, 'recipients-1252.csv');
    await writeCsv(ansi, CSV_ROWS, 'windows-1252');
    const { base: abase, ours: ansiOurs } = await compare('papaparse-1252', ansi, work);
    if (abase.rows !== CSV_ROWS + 1 || ansiOurs.rows !== CSV_ROWS) throw new Error(`Windows-1252 row counts differ: papaparse ${abase.rows}, prepare ${ansiOurs.rows}`);

    const r2 = (n: number): number => Math.round(n * 100) / 100;
    return [
      {
        bench: `prepare.csv.${CSV_ROWS}rows.${csvMB}MB.vs-papaparse`,
        value: r2(ours.seconds),
        unit: 's',
        baseline: r2(base.seconds),
        ratio: r2(ours.seconds / base.seconds),
        target: 'ratio <= 2 and peakRssMB < 250',
        peakRssMB: ours.peakRssMB,
      },
      {
        bench: `prepare.csv.${CSV_ROWS}rows.cpu-time.vs-papaparse`,
        value: r2(ours.cpuSeconds),
        unit: 's cpu',
        baseline: r2(base.cpuSeconds),
        ratio: r2(ours.cpuSeconds / base.cpuSeconds),
        target: 'informational: CPU time of all threads, what prepare costs a machine with no core to spare',
        peakRssMB: ours.peakRssMB,
      },
      {
        bench: `prepare.csv.${CSV_ROWS}rows.forced-writer-thread.vs-papaparse`,
        value: r2(par.seconds),
        unit: 's',
        baseline: r2(pbase.seconds),
        ratio: r2(par.seconds / pbase.seconds),
        target: 'ratio <= 2 and peakRssMB < 250',
        peakRssMB: par.peakRssMB,
      },
      {
        bench: `prepare.csv.${CSV_ROWS}rows.forced-single-thread.vs-papaparse`,
        value: r2(single.seconds),
        unit: 's',
        baseline: r2(sbase.seconds),
        ratio: r2(single.seconds / sbase.seconds),
        target: 'ratio <= 2 and peakRssMB < 250',
        peakRssMB: single.peakRssMB,
      },
      {
        bench: `prepare.csv-reader-only.${CSV_ROWS}rows.vs-papaparse`,
        value: r2(read.seconds),
        unit: 's',
        baseline: r2(rbase.seconds),
        ratio: r2(read.seconds / rbase.seconds),
        target: 'informational: the reader alone (CsvSplitter fast path), cpu ' + r2(read.cpuSeconds) + ' s vs ' + r2(rbase.cpuSeconds) + ' s',
        peakRssMB: read.peakRssMB,
      },
      {
        bench: `prepare.csv-windows-1252.${CSV_ROWS}rows.vs-papaparse-iconv`,
        value: r2(ansiOurs.seconds),
        unit: 's',
        baseline: r2(abase.seconds),
        ratio: r2(ansiOurs.seconds / abase.seconds),
        target: 'ratio <= 2 and peakRssMB < 250',
        peakRssMB: ansiOurs.peakRssMB,
      },
    ];
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && SELF === process.argv[1]) {
  const i = process.argv.indexOf('--child');
  const job = i >= 0 ? childMain(process.argv[i + 1], process.argv[i + 2], process.argv[i + 3]) : runPrepareBench().then((rs) => rs.forEach((r) => console.log(JSON.stringify(r))));
  job.catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
