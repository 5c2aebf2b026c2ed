/**
 * Responses benchmarks: (a) ingest of 10M click rows vs DuckDB's bare read_csv,
 * (b) a deep grid block (offset 5M of 10M, sorted and filtered), (c) Excel export of one
 * full sheet vs ExcelJS's bare streaming writer. Each measurement runs in its own child
 * process so peak RSS belongs to that measurement alone.
 *
 * Run: `npx tsx test/bench/responses-bench.ts` (or through `loopdesk bench responses`).
 * Sizes can be lowered for a quick look with BENCH_CLICK_ROWS / BENCH_EXPORT_ROWS.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { BenchResult } from './run-bench';

const CLICK_ROWS = Number(process.env.BENCH_CLICK_ROWS ?? 10_000_000);
const EXPORT_ROWS = Number(process.env.BENCH_EXPORT_ROWS ?? 1_048_575);
const GRID_RUNS = 20;
/** Sort or filter changes measured cold, each against the bare query. */
const COLD_RUNS = 5;
const SELF = fileURLToPath(import.meta.url);

interface ChildOutput {
  readonly ms: number;
  readonly peakRssMB: number;
  readonly extra?: Record<string, number>;
}

/** Runs one measurement of this file in a fresh Node process (with tsx). */
function child(task: string, args: string[]): Promise<ChildOutput> {
  return new Promise((resolve, reject) => {
    const tsx = import.meta.resolve('tsx');
    const proc = spawn(process.execPath, ['--import', tsx, SELF, '--child', task, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.on('data', (c: Buffer) => (out += c.toString()));
    proc.on('error', reject);
    proc.on('close', (code) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0) return reject(new Error(`bench child ${task} exited ${code}: ${out}`));
      resolve(JSON.parse(line) as ChildOutput);
    });
  });
}

const peakRssMB = () => Math.round(process.resourceUsage().maxRSS / 1024);

/** Runs the three benchmarks and returns one result per figure. */
export async function runResponsesBench(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'loopdesk-responses-bench-'));
  try {
    const { generateClickFiles } = await import('../fixtures/responses/generate-responses');
    const files = await generateClickFiles(dir, CLICK_ROWS, 1_000_000);
    const results: BenchResult[] = [];

    // (a) ingest: baseline first, so the page cache is equally warm for ours.
    const bare = await child('bare-read-csv', [join(dir, 'bare.duckdb'), ...files]);
    const ours = await child('ingest', [join(dir, 'ours.duckdb'), ...files]);
    results.push({
      bench: `responses.ingest ${CLICK_ROWS} click rows (${files.length} files) vs DuckDB bare read_csv into a table`,
      value: Math.round(ours.ms),
      unit: 'ms',
      baseline: Math.round(bare.ms),
      ratio: round(ours.ms / bare.ms),
      target: 'ratio <= 1.5',
      peakRssMB: ours.peakRssMB,
    });

    // (b) grid block at offset 5M of the ingested 10M rows.
    const grid = await child('grid', [join(dir, 'ours.duckdb')]);
    results.push({
      bench: `responses.grid.warm p95 of ${GRID_RUNS} blocks (100 rows at offset ${Math.floor(CLICK_ROWS / 2)}, sort + filter)`,
      value: round(grid.extra!.p95!),
      unit: 'ms',
      baseline: round(grid.extra!.median!),
      ratio: round(grid.extra!.p95! / 50),
      target: 'value < 50',
      peakRssMB: grid.peakRssMB,
    });
    // The first block after a change, against the same SELECT run bare on the same DuckDB file.
    const cold = await child('grid-cold', [join(dir, 'ours.duckdb')]);
    const coldRow = (key: string, what: string): BenchResult => ({
      bench: `responses.grid.cold ${what}`,
      value: round(cold.extra![`${key}Ours`]!),
      unit: 'ms',
      baseline: round(cold.extra![`${key}Bare`]!),
      ratio: round(cold.extra![`${key}Ours`]! / cold.extra![`${key}Bare`]!),
      target: 'ratio <= 1.3',
      peakRssMB: cold.peakRssMB,
    });
    results.push(
      coldRow('sort', `first block (offset 0) after a sort change, median of ${COLD_RUNS}, vs the bare SELECT`),
      coldRow('filter', `first block (offset 0) after a filter change (row count follows separately), median of ${COLD_RUNS}, vs the bare SELECT`),
      coldRow('deep', `block at offset ${Math.floor(CLICK_ROWS / 2)} after a sort change, vs the bare SELECT ... OFFSET`),
    );

    // (c) Excel export of one full sheet, 8 columns.
    const exportDb = join(dir, 'export.duckdb');
    await child('prepare-export', [exportDb, String(EXPORT_ROWS)]);
    const bareXlsx = await child('bare-exceljs', [join(dir, 'bare.xlsx'), String(EXPORT_ROWS)]);
    const oursXlsx = await child('export', [exportDb, join(dir, 'ours.xlsx')]);
    results.push({
      bench: `responses.export ${EXPORT_ROWS} rows x 8 columns to xlsx`,
      value: Math.round(oursXlsx.ms),
      unit: 'ms',
      baseline: Math.round(bareXlsx.ms),
      ratio: round(oursXlsx.ms / bareXlsx.ms),
      target: 'informational: ratio vs bare ExcelJS streaming writer',
      peakRssMB: oursXlsx.peakRssMB,
    });
    results.push({
      bench: 'responses.export peak RSS (baseline: bare ExcelJS peak)',
      value: oursXlsx.peakRssMB,
      unit: 'MB',
      baseline: bareXlsx.peakRssMB,
      ratio: round(oursXlsx.peakRssMB / 300),
      target: 'value < 300',
      peakRssMB: oursXlsx.peakRssMB,
    });
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const round = (n: number) => Math.round(n * 100) / 100;

async function runChild(task: string, args: string[]): Promise<ChildOutput> {
  const { Database } = await import('../../main/services/store/database');
  const { MIGRATIONS } = await import('../../main/services/store/migrations');
  const { RESPONSES_MIGRATIONS } = await import('../../main/services/responses/responses-migrations');
  const openDb = (path: string) => Database.open(path, [...MIGRATIONS, ...RESPONSES_MIGRATIONS]);
  switch (task) {
    case 'bare-read-csv': {
      const [dbPath, ...files] = args;
      const db = await openDb(dbPath!);
      const t = performance.now();
      await db.run('CREATE TABLE bare_clicks AS SELECT * FROM read_csv($1, delim = \';\', header = true) LIMIT 0', [files[0]!]);
      for (const f of files) await db.run("INSERT INTO bare_clicks SELECT * FROM read_csv($1, delim = ';', header = true)", [f]);
      const ms = performance.now() - t;
      await db.close();
      return { ms, peakRssMB: peakRssMB() };
    }
    case 'ingest': {
      const [dbPath, ...files] = args;
      const { ingestFile } = await import('../../main/services/responses/ingest');
      const { statSync } = await import('node:fs');
      const db = await openDb(dbPath!);
      const t = performance.now();
      for (const f of files) {
        const st = statSync(f);
        await ingestFile(db, { profile: 'bench', client: 'bench', kind: 'clicks', localPath: f, remoteName: f.split('/').at(-1)!, size: st.size, mtime: st.mtime });
      }
      const ms = performance.now() - t;
      await db.close();
      return { ms, peakRssMB: peakRssMB() };
    }
    case 'grid': {
      const { queryRows } = await import('../../main/services/responses/grid-query');
      const db = await openDb(args[0]!);
      const [{ n }] = await db.all<{ n: bigint }>('SELECT count(*) AS n FROM clicks');
      const offset = Math.floor(Number(n) / 2);
      const query = {
        view: 'clicks' as const,
        startRow: offset,
        endRow: offset + 100,
        sortModel: [{ colId: 'created', sort: 'desc' as const }],
        // Keeps ~83% of rows, so offset 5M stays inside the filtered set.
        filterModel: { click_browser: { filterType: 'text' as const, type: 'notContains' as const, filter: 'opera' } },
      };
      const times: number[] = [];
      let rows = 0;
      for (let i = 0; i <= GRID_RUNS; i++) {
        const t = performance.now();
        const res = await queryRows(db, query);
        times.push(performance.now() - t);
        rows = res.rows.length;
      }
      if (rows !== 100) throw new Error(`grid bench got ${rows} rows, expected 100`);
      const first = times.shift()!;
      const sorted = [...times].sort((a, b) => a - b);
      const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
      await db.close();
      return { ms: pct(50), peakRssMB: peakRssMB(), extra: { first, median: pct(50), p95: pct(95) } };
    }
    case 'grid-cold': {
      const { compileGridQuery, gridCount, queryRows } = await import('../../main/services/responses/grid-query');
      const db = await openDb(args[0]!);
      const [{ n }] = await db.all<{ n: bigint }>('SELECT count(*) AS n FROM clicks');
      const browsers = ['opera', 'safari', 'edge', 'firefox', 'chrome'];
      const block = (filter: string, sort: 'asc' | 'desc', colId: string, startRow: number) => ({
        view: 'clicks' as const,
        startRow,
        endRow: startRow + 100,
        sortModel: [{ colId, sort }],
        filterModel: { click_browser: { filterType: 'text' as const, type: 'notContains' as const, filter } },
      });
      // Bare DuckDB: the block's own SQL (its SELECT with LIMIT/OFFSET), nothing else.
      const bare = async (q: ReturnType<typeof block>): Promise<number> => {
        const c = compileGridQuery(q, { offset: q.startRow, limit: 100 });
        const t = performance.now();
        const rows = await db.all(c.select, [...c.params]);
        if (rows.length !== 100) throw new Error(`bare block has ${rows.length} rows`);
        return performance.now() - t;
      };
      // As the grid asks: the block at once, the filtered count separately ("counting…" meanwhile).
      // The count is awaited after the clock stops, so it never runs beside the next measurement.
      const ours = async (q: ReturnType<typeof block>): Promise<number> => {
        const t = performance.now();
        const r = await queryRows(db, { ...q, count: 'separately' });
        const ms = performance.now() - t;
        if (r.rows.length !== 100) throw new Error(`block has ${r.rows.length} rows`);
        await gridCount(db, q);
        return ms;
      };
      const sort = { bare: [] as number[], ours: [] as number[] };
      const filter = { bare: [] as number[], ours: [] as number[] };
      for (let i = 0; i < COLD_RUNS; i++) {
        const f = browsers[i % browsers.length]!;
        // The operator looks at the filtered list sorted by time, then sorts by recipient.
        await queryRows(db, block(f, 'desc', 'created', 0));
        sort.bare.push(await bare(block(f, i % 2 ? 'asc' : 'desc', 'user_id', 0)));
        sort.ours.push(await ours(block(f, i % 2 ? 'asc' : 'desc', 'user_id', 0)));
        // Then types another filter value.
        const g = `${f} ${i}`;
        filter.bare.push(await bare(block(g, 'desc', 'created', 0)));
        filter.ours.push(await ours(block(g, 'desc', 'created', 0)));
      }
      const mid = Math.floor(Number(n) / 2);
      const deepBare = await bare(block('opera', 'asc', 'created', mid));
      const deepOurs = await ours(block('opera', 'asc', 'created', mid));
      const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
      await db.close();
      return {
        ms: med(sort.ours),
        peakRssMB: peakRssMB(),
        extra: { sortBare: med(sort.bare), sortOurs: med(sort.ours), filterBare: med(filter.bare), filterOurs: med(filter.ours), deepBare, deepOurs },
      };
    }
    case 'prepare-export': {
      const db = await openDb(args[0]!);
      await db.run(
        `INSERT INTO mailing_recipients SELECT 25951836000 + i, 51106527229, 44018617811, 'user' || i || '@example.com',
           TIMESTAMP '2021-01-01 00:00:00' + to_seconds(i), 'sent', 'delivered', CASE WHEN i % 50 = 0 THEN 'bounce' END, 0
         FROM range(${Number(args[1])}) t(i)`,
      );
      await db.close();
      return { ms: 0, peakRssMB: peakRssMB() };
    }
    case 'export': {
      const { exportRows } = await import('../../main/services/responses/excel-export');
      const db = await openDb(args[0]!);
      const t = performance.now();
      await exportRows(db, { query: { view: 'mailing_recipients', sortModel: [{ colId: 'mailing_to_user_id', sort: 'asc' }] }, outPath: args[1]! });
      const ms = performance.now() - t;
      await db.close();
      return { ms, peakRssMB: peakRssMB() };
    }
    case 'bare-exceljs': {
      // The same 8 values per row, straight into ExcelJS's streaming writer, no database.
      const ExcelJS = (await import('exceljs')).default;
      const total = Number(args[1]);
      const t = performance.now();
      const book = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: args[0]!, useSharedStrings: false, useStyles: true });
      const sheet = book.addWorksheet('bare');
      sheet.addRow(['Mailing-to-user ID', 'Mailing ID', 'Mailing group ID', 'Recipient', 'Sent', 'Sending status', 'Delivery status', 'Response category']).commit();
      const base = Date.UTC(2021, 0, 1);
      for (let i = 0; i < total; i++) {
        sheet.addRow([25951836000 + i, 51106527229, 44018617811, `user${i}@example.com`, new Date(base + i * 1000), 'sent', 'delivered', i % 50 === 0 ? 'bounce' : null]).commit();
        if (i % 2048 === 2047) await new Promise<void>((r) => setImmediate(r));
      }
      await book.commit();
      return { ms: performance.now() - t, peakRssMB: peakRssMB() };
    }
    default:
      throw new Error(`unknown bench child task ${task}`);
  }
}

if (process.argv[1] === SELF) {
  const i = process.argv.indexOf('--child');
  if (i !== -1) {
    const out = await runChild(process.argv[i + 1]!, process.argv.slice(i + 2));
    process.stdout.write(`${JSON.stringify(out)}\n`);
  } else {
    for (const r of await runResponsesBench()) console.log(JSON.stringify(r));
  }
}
