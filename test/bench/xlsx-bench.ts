/**
 * Benchmark of Loopdesk's .xlsx reader against ExcelJS's streaming reader (what Loopdesk used
 * before) on the same workbook: a 200,000-row one and a 1,000,000-row × 8 one (worksheet before
 * shared strings, as Excel orders them; see big-xlsx-writer.ts). Each step runs in its own child process, so peak RSS is that step's alone; the sides
 * alternate REPEATS times and medians are compared (the machine is shared).
 * Run alone: `npx tsx test/bench/xlsx-bench.ts`.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { benchChildScript } from './bench-bundle';
import type { BenchResult } from './run-bench';
import { prepare } from '../../main/services/recipients/prepare';
import { openSpreadsheet } from '../../main/services/recipients/spreadsheet';
import { DEFAULT_MASTER_FIELDS, type MasterField } from '../../shared/contract/profiles';
import { buildXlsx, type XCell } from '../fixtures/recipients/zip-writer';
import { writeBigXlsx } from './big-xlsx-writer';

const run = promisify(execFile);
const SELF = fileURLToPath(import.meta.url);
const REPEATS = 3;
const SIZES = [200_000, 1_000_000] as const;

const HEADERS = ['E-Mail', 'Anrede', 'Vorname', 'Nachname', 'Kundennummer', 'Stadt', 'Notiz', 'Datum'];
const FIRST = ['Jürgen', 'Anna', 'Zoë', 'Mehmet', 'Łukasz', 'Sophie', 'Björn', 'Renée'];
const LAST = ['Müller', 'Schön', 'Groß', 'Öztürk', 'Weiß', 'Nguyen', 'Smith', 'Fischer'];
const CITY = ['München', 'Köln', 'Düsseldorf', 'Berlin', 'Hamburg', 'Zürich', 'Wien', 'Frankfurt am Main'];
const FIELDS: MasterField[] = [
  ...DEFAULT_MASTER_FIELDS,
  { name: 'Kundennummer', type: 'Varchar', length: 50, required: false },
  { name: 'Stadt', type: 'Varchar', length: 255, required: false },
];

/** One recipient row: unique e-mail and customer number (so the shared strings grow with the rows). */
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
  ];
}

/** Our own zip writer: shared strings, a date-styled number column. */
function writeOwnXlsx(path: string, rows: number): void {
  const S = (s: string): XCell => ({ s });
  const data = [{ r: 1, cells: HEADERS.map(S) }];
  for (let i = 1; i <= rows; i++) data.push({ r: i + 1, cells: [...sourceRow(i).map(S), { n: 45000 + (i % 365), date: true }] });
  writeFileSync(path, buildXlsx([{ name: 'Empfänger', rows: data }]));
}

const NOTES = Array.from({ length: 24 * 7 }, (_, k) => `Kunde seit ${2000 + (k % 24)}, Segment ${k % 7}`);

/** The same rows through the streaming writer (1,000,000 rows do not fit buildXlsx's memory). */
async function writeBigRecipients(path: string, rows: number): Promise<void> {
  await writeBigXlsx(
    path,
    {
      headers: HEADERS,
      categories: ['Herr', 'Frau', ...FIRST, ...LAST, ...CITY, ...NOTES],
      unique: (i) => {
        const v = sourceRow(i);
        return [v[0], v[4]];
      },
      cells: (i) => {
        const v = sourceRow(i);
        return [v[0], v[1], v[2], v[3], v[4], v[5], i % 50 === 0 ? { inline: v[6] } : v[6], { date: 45000 + (i % 365) }];
      },
    },
    rows,
  );
}

interface ChildResult {
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly rows: number;
  readonly peakRssMB: number;
}

async function child(mode: string, file: string, outDir: string): Promise<ChildResult> {
  const { stdout } = await run(process.execPath, [await benchChildScript(SELF, 'xlsx-bench-child'), '--child', mode, file, outDir], { maxBuffer: 1 << 20, cwd: process.cwd() });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as ChildResult;
}

async function childMain(mode: string, file: string, outDir: string): Promise<void> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let rows = 0;
  if (mode === 'generate') {
    // `--child generate <file> <rows>`: writes the bench workbook for a manual run or a profile.
    await writeBigRecipients(file, Number(outDir));
    return;
  }
  if (mode === 'exceljs') {
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, { sharedStrings: 'cache', styles: 'cache', worksheets: 'emit', hyperlinks: 'ignore', entries: 'ignore' });
    for await (const ws of reader) {
      for await (const row of ws) {
        void row.values;
        rows++;
      }
    }
    rows--; // the header row, which Loopdesk's reader does not count as data
  } else if (mode === 'read') {
    const sheet = await openSpreadsheet(file);
    for await (const batch of sheet.batches()) rows += batch.length;
  } else {
    const report = await prepare({ input: file, fields: FIELDS, sourceMailingId: '44018617811', outDir, encoding: 'utf-8', timeZone: 'UTC', parallel: false });
    rows = report.rows;
  }
  const c = process.cpuUsage(c0);
  console.log(JSON.stringify({ seconds: (performance.now() - t0) / 1000, cpuSeconds: (c.user + c.system) / 1e6, rows, peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024) }));
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** The xlsx benchmarks: our reader (and prepare) against ExcelJS's streaming reader, two sizes. */
export async function runXlsxBench(): Promise<BenchResult[]> {
  const work = await mkdtemp(join(tmpdir(), 'loopdesk-xlsx-bench-'));
  const r2 = (n: number): number => Math.round(n * 100) / 100;
  const results: BenchResult[] = [];
  try {
    for (const rows of SIZES) {
      const file = join(work, `recipients-${rows}.xlsx`);
      if (rows <= 200_000) writeOwnXlsx(file, rows);
      else await writeBigRecipients(file, rows);
      const mb = Math.round((await stat(file)).size / 1e6);
      const runs: Record<string, ChildResult[]> = { exceljs: [], read: [], prepare: [] };
      for (let i = 0; i < REPEATS; i++) {
        for (const mode of ['exceljs', 'read', 'prepare']) {
          const out = join(work, `out-${mode}-${i}`);
          runs[mode].push(await child(mode, file, out));
          await rm(out, { recursive: true, force: true });
        }
      }
      for (const [mode, rs] of Object.entries(runs)) if (rs.some((r) => r.rows !== rows)) throw new Error(`${mode} read ${rs.map((r) => r.rows).join('/')} rows of ${rows}`);
      const pick = (rs: ChildResult[]): ChildResult => ({
        seconds: median(rs.map((r) => r.seconds)),
        cpuSeconds: median(rs.map((r) => r.cpuSeconds)),
        rows: rs[0].rows,
        peakRssMB: Math.max(...rs.map((r) => r.peakRssMB)),
      });
      const base = pick(runs.exceljs);
      const read = pick(runs.read);
      const prep = pick(runs.prepare);
      const writer = rows <= 200_000 ? 'in-memory zip writer' : 'streaming zip writer';
      results.push(
        {
          bench: `xlsx.read.${rows}rows.${mb}MB.vs-exceljs-stream-reader`,
          value: r2(read.seconds),
          unit: 's',
          baseline: r2(base.seconds),
          ratio: r2(read.seconds / base.seconds),
          target: 'ratio <= 0.4 and peakRssMB < 250',
          peakRssMB: read.peakRssMB,
        },
        {
          bench: `xlsx.read.${rows}rows.cpu-time.vs-exceljs-stream-reader`,
          value: r2(read.cpuSeconds),
          unit: 's cpu',
          baseline: r2(base.cpuSeconds),
          ratio: r2(read.cpuSeconds / base.cpuSeconds),
          target: 'informational: CPU time of all threads (inflating runs on the thread pool), steadier than wall time on a shared machine',
          peakRssMB: read.peakRssMB,
        },
        {
          bench: `xlsx.prepare.${rows}rows.vs-exceljs-stream-reader`,
          value: r2(prep.seconds),
          unit: 's',
          baseline: r2(base.seconds),
          ratio: r2(prep.seconds / base.seconds),
          target: `informational: the whole prepare (read, map, validate, write) of the ${writer}'s file, single thread; ExcelJS peak ${base.peakRssMB} MB; cpu ${r2(prep.cpuSeconds)} s vs ${r2(base.cpuSeconds)} s`,
          peakRssMB: prep.peakRssMB,
        },
      );
    }
    return results;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && SELF === process.argv[1]) {
  const i = process.argv.indexOf('--child');
  const job = i >= 0 ? childMain(process.argv[i + 1], process.argv[i + 2], process.argv[i + 3]) : runXlsxBench().then((rs) => rs.forEach((r) => console.log(JSON.stringify(r))));
  job.catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
