/**
 * Child process of the hostile-input fuzzer: feeds each input of a manifest to the real readers
 * and prints one JSON line per event on stdout. Runs apart from the test so a hang, a native
 * crash or an out-of-memory kill is observed by the parent instead of taking the test run down.
 *
 * Usage: node --max-old-space-size=256 --import tsx test/helpers/fuzz-child.ts <manifest.json>
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_MASTER_FIELDS } from '../../shared/contract/profiles';
import { isAppError } from '../../shared/contract/result';
import { openSpreadsheet, previewSpreadsheet } from '../../main/services/recipients/spreadsheet';
import { prepare } from '../../main/services/recipients/prepare';
import { ingestFile } from '../../main/services/responses/ingest';
import { Database } from '../../main/services/store/database';
import { MIGRATIONS } from '../../main/services/store/migrations';
import { RESPONSES_MIGRATIONS } from '../../main/services/responses/responses-migrations';
import type { ResponseKindName } from '../../main/services/responses/response-kinds';
import { judgeError, type ChildEvent, type ChildManifest } from './fuzz-verdict';
import { compareXlsxReaders, readsAsWorkbook } from './xlsx-oracle-compare';

const manifest = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as ChildManifest;
let current: string | undefined;

const emit = (e: ChildEvent): void => {
  process.stdout.write(JSON.stringify(e) + '\n');
};

// An unhandled rejection or exception is a crash of the input being read (or of the last one,
// when it surfaces after the call returned).
let lastDone: string | undefined;
const die = (what: string) => (e: unknown) => {
  const err = e as Error;
  emit({ t: 'crash', id: current ?? lastDone ?? '?', error: `${what}: ${err?.name}: ${String(err?.message).slice(0, 500)}`, stack: String(err?.stack).split('\n').slice(0, 8).join('\n') });
  process.exit(70);
};
process.on('unhandledRejection', die('unhandledRejection'));
process.on('uncaughtException', die('uncaughtException'));

let db: Database | undefined;
async function database(): Promise<Database> {
  db ??= await Database.open(join(manifest.workDir, `child-${process.pid}.duckdb`), [...MIGRATIONS, ...RESPONSES_MIGRATIONS]);
  return db;
}

/** One prepare run: its counts, or its error; `outcome` also names every file it wrote, by hash. */
async function prepareOnce(path: string, parallel: boolean): Promise<{ summary: string; outcome: string; error?: unknown }> {
  // The same folder for both paths, so messages naming a file agree.
  const outDir = join(manifest.workDir, `out-${process.pid}`);
  mkdirSync(outDir, { recursive: true });
  try {
    const report = await prepare({
      input: path,
      fields: DEFAULT_MASTER_FIELDS,
      sourceMailingId: '44018617811',
      waveId: '46623317811',
      outDir,
      encoding: 'utf-8',
      timeZone: 'UTC',
      now: new Date('2024-06-01T10:00:00Z'),
      parallel,
    });
    const files = readdirSync(outDir)
      .sort()
      .map((n) => `${n}:${createHash('sha256').update(readFileSync(join(outDir, n))).digest('hex').slice(0, 16)}`);
    const summary = `${report.rows} rows, ${report.valid} valid, ${report.excludedCount} excluded`;
    return { summary, outcome: `${summary}, ${report.emptyRows} empty; ${files.join(' ')}` };
  } catch (e) {
    const outcome = `error ${isAppError(e) ? `${e.code}: ${e.message}` : String(e)}; left ${readdirSync(outDir).length} files`;
    return { summary: outcome, outcome, error: e };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

async function feed(c: ChildManifest['cases'][number]): Promise<string> {
  switch (c.op) {
    case 'sheet': {
      const preview = await previewSpreadsheet(c.path, 20);
      const sheet = await openSpreadsheet(c.path);
      let rows = 0;
      let cells = 0;
      try {
        for await (const batch of sheet.batches()) {
          rows += batch.length;
          for (const r of batch) cells += r.values.length;
        }
      } finally {
        await sheet.close();
      }
      return `${sheet.format} ${preview.headers.length} cols, ${rows} rows, ${cells} cells`;
    }
    case 'override': {
      const preview = await previewSpreadsheet(c.path, 20, c.options ?? {});
      return `${preview.format} ${preview.headers.length} cols, ${preview.rows.length} preview rows`;
    }
    case 'prepare': {
      // Text files go through both paths, the single-threaded one and the one with the writer
      // thread; they must agree byte for byte (or fail alike). The single-threaded outcome counts.
      const both = /\.(csv|txt|tsv)$/i.test(c.path);
      const single = await prepareOnce(c.path, false);
      if (both) {
        const parallel = await prepareOnce(c.path, true);
        if (parallel.outcome !== single.outcome) throw new Error(`prepare with the writer thread differs from the single-threaded path: ${parallel.outcome} against ${single.outcome}`);
      }
      if (single.error !== undefined) throw single.error;
      return single.summary;
    }
    case 'ingest': {
      const d = await database();
      const r = await ingestFile(d, {
        profile: 'fuzz',
        client: 'c1',
        kind: c.kind as ResponseKindName,
        localPath: c.path,
        remoteName: `${c.id}/${c.fileName}`,
        size: 0,
        mtime: new Date('2021-01-02T06:00:00Z'),
      });
      return `${r.outcome} ${r.rows} rows`;
    }
  }
}

emit({ t: 'ready' });
for (const c of manifest.cases) {
  current = c.id;
  // Every workbook also goes through the ExcelJS-based reader Loopdesk used before: the two must give
  // the same rows or both refuse the file clearly. Timed apart from the input's own run (ExcelJS is
  // slower); a difference fails the input.
  let oracleProblem: string | undefined;
  if (c.op !== 'ingest' && readsAsWorkbook(c.path)) {
    emit({ t: 'oracle', id: c.id });
    const cmp = await compareXlsxReaders(c.path, c.options?.sheet);
    if (!cmp.agree) oracleProblem = `the xlsx reader differs from the ExcelJS oracle: ${cmp.difference}`;
  }
  emit({ t: 'start', id: c.id });
  const started = performance.now();
  let event: ChildEvent;
  try {
    const summary = await feed(c);
    event = { t: 'done', id: c.id, outcome: 'result', summary, ms: Math.round(performance.now() - started) };
  } catch (e) {
    const v = judgeError(e);
    event = { t: 'done', id: c.id, outcome: v.clear ? 'clear-error' : 'unclear-error', code: isAppError(e) ? e.code : undefined, message: v.message, problem: v.problem, detailsBytes: v.detailsBytes, ms: Math.round(performance.now() - started) };
  }
  if (oracleProblem) event = { t: 'done', id: c.id, outcome: 'unclear-error', message: oracleProblem, problem: 'differs from the ExcelJS oracle', ms: Math.round(performance.now() - started) };
  // Let stray stream errors of this input surface now, while it is still the current one.
  await new Promise((r) => setTimeout(r, 5));
  lastDone = c.id;
  current = undefined;
  emit({ ...event, rssMb: Math.round(process.memoryUsage().rss / 1048576) });
}
await new Promise((r) => setTimeout(r, 100));
await db?.close();
emit({ t: 'end' });
process.exit(0);
