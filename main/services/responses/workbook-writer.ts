import { type FileHandle, open, rename, rm } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import type { DuckDBConnection } from '@duckdb/node-api';
import { AppError } from '../../../shared/contract/result';
import { workerSpec, type WorkerSpec } from '../worker-spec';
import type { Database } from '../store/database';
import type { CellValue, ExcelWorkerJob, FromExcelWorker, ToExcelWorker } from './excel-worker';
import type { GridColumn, GridColumnType } from './grid-query';

/** A column of a report sheet; `numFmt` overrides the type's Excel number format. */
export type ReportColumn = GridColumn & { readonly numFmt?: string };

// Writing .xlsx files: a worker thread runs ExcelJS's streaming writer, the main thread streams
// DuckDB rows to it in batches and turns failures into clear errors; the file is whole or absent.

/** Data rows one worksheet holds (1,048,576 rows minus the header). */
export const MAX_SHEET_DATA_ROWS = 1_048_575;

/** Progress of an export, emitted every few thousand rows and at the end. */
export interface ExportProgress {
  /** The sheet being written. */
  readonly sheet: string;
  readonly rowsWritten: number;
  /** Rows the export will write in total (known before the first row). */
  readonly totalRows: number;
  readonly done: boolean;
}

/** What an export wrote. */
export interface ExportResult {
  readonly outPath: string;
  readonly rows: number;
  /** Sheet names in order (a view longer than one sheet continues on "Name (2)", …). */
  readonly sheets: readonly string[];
}

const EXCEL_MAX_CELL_CHARS = 32_767;
// XML 1.0 forbids these; a file containing them does not open.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const INVALID_XML_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/**
 * Young generation of the writer thread. ExcelJS makes several short-lived objects per cell;
 * a small nursery collects them every few MB instead of letting it grow to tens of MB.
 */
const WORKER_YOUNG_GEN_MB = 2;
/**
 * Old generation cap of the writer thread. With a small nursery, per-row objects get promoted
 * early; the cap makes V8 collect them at a few tens of MB instead of letting the heap grow.
 * The writer's live set is about 15-20 MB (ExcelJS's code, one or two batches of at most
 * {@link MAX_BATCH_CHARS} of text, the zip entry's buffer): 16 MB ran out of memory, 32 MB
 * keeps a margin. Running out is reported as an error, never as a truncated file.
 */
const WORKER_OLD_GEN_MB = 32;
/** Batches posted to the writer and not yet written; two keep it busy while DuckDB reads on. */
const IN_FLIGHT_BATCHES = 2;
/** Text posted to the writer in one batch; a chunk of very long texts is split further. */
const MAX_BATCH_CHARS = 1024 * 1024;
/**
 * DuckDB's memory budget during an export. It sorts a million rows spilling to its temp dir;
 * the budget adds its size to the export's peak memory. 32MB is too little: a million-row
 * sort then fails with DuckDB's "Out of Memory Error".
 */
const EXPORT_DUCKDB_MEMORY = '64MB';

/** The writer thread of one workbook, seen from the main thread. */
class WorkbookWorker {
  private readonly worker: Worker;
  private readonly pending: { resolve: (m: FromExcelWorker) => void; reject: (e: Error) => void }[] = [];
  private failure: Error | null = null;
  private gone = false;
  private readonly exited: Promise<void>;
  onProgress: ((p: ExportProgress) => void) | undefined;

  constructor(fd: number) {
    const spec = excelWorkerSpec();
    this.worker = new Worker(spec.entry, {
      eval: spec.eval,
      workerData: { fd } satisfies ExcelWorkerJob,
      resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GEN_MB, maxOldGenerationSizeMb: WORKER_OLD_GEN_MB },
      stdout: false,
      stderr: false,
    });
    this.exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.on('message', (m: FromExcelWorker) => {
      if (m.kind === 'progress') {
        this.onProgress?.({ sheet: m.sheet, rowsWritten: m.rowsWritten, totalRows: m.totalRows, done: m.done });
        return;
      }
      if (m.kind === 'error') {
        const e = Object.assign(new Error(m.message), { code: m.code }) as NodeJS.ErrnoException;
        if (m.stack) e.stack = m.stack;
        this.fail(e);
        return;
      }
      this.pending.shift()?.resolve(m);
    });
    this.worker.on('error', (e) => this.fail(e));
    this.worker.on('exit', (code) => {
      this.gone = true;
      this.fail(new Error(`The Excel writer thread stopped unexpectedly (exit code ${code}).`));
    });
  }

  /** Posts a message; resolves with its answer, rejects with the writer's first error. */
  send(m: ToExcelWorker): Promise<FromExcelWorker> {
    if (this.failure) return Promise.reject(this.failure);
    const answer = new Promise<FromExcelWorker>((resolve, reject) => this.pending.push({ resolve, reject }));
    this.worker.postMessage(m);
    return answer;
  }

  /** Stops the thread (done or failed); afterwards its descriptor may be closed. */
  async stop(): Promise<void> {
    if (!this.gone) await this.worker.terminate();
    await this.exited;
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const p of this.pending.splice(0)) p.reject(this.failure);
  }
}

/**
 * The writer thread's entry. Reuses the recipients worker's resolution (sources vs bundle and the
 * tsx bootstrap): from sources its module is `main/services/recipients/prepare-worker.ts`, from the
 * bundle `dist/electron/prepare-worker.mjs`; this entry sits next to it in the same way
 * (`excel-worker.ts` here, `dist/electron/excel-worker.mjs` in the bundle).
 */
function excelWorkerSpec(): WorkerSpec {
  return workerSpec(import.meta.url, 'excel-worker');
}

/** A workbook being written by its worker thread. */
export interface Book {
  readonly worker: WorkbookWorker;
  readonly sheets: string[];
}

/**
 * Runs `fill` against a workbook written by a worker thread to `<out>.partial`, then renames it.
 * The main thread opens and closes the file, so a thread that is stopped never leaks it.
 */
export async function writeWorkbook(outPath: string, fill: (book: Book) => Promise<number>): Promise<ExportResult> {
  const partial = `${outPath}.partial`;
  let handle: FileHandle | null = null;
  let worker: WorkbookWorker | null = null;
  try {
    // Opened up front so a missing folder or a read-only disk fails here, not mid-stream.
    handle = await open(partial, 'w');
    worker = new WorkbookWorker(handle.fd);
    const book: Book = { worker, sheets: [] };
    const rows = await fill(book);
    await worker.send({ kind: 'commit' });
    await worker.stop();
    worker = null;
    await handle.close();
    handle = null;
    await rename(partial, outPath);
    return { outPath, rows, sheets: [...book.sheets] };
  } catch (e) {
    await worker?.stop().catch(() => undefined);
    await handle?.close().catch(() => undefined);
    await rm(partial, { force: true });
    if (e instanceof AppError) throw e;
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOSPC' || err.code === 'EACCES' || err.code === 'ENOENT' || err.code === 'EROFS') {
      throw new AppError('PERMISSION_DENIED', 'error.responses.cannotWrite', { path: outPath, reason: err.code }, { code: err.code });
    }
    if (err.code === 'ERR_WORKER_OUT_OF_MEMORY') {
      throw new AppError('INTERNAL', 'error.responses.outOfMemory', { path: outPath }, { code: err.code });
    }
    throw e;
  }
}

/** Streams a query's rows into one or more sheets. */
export async function streamSheet(
  db: Database,
  book: Book,
  name: string,
  columns: readonly GridColumn[],
  sql: string,
  params: readonly (string | number)[],
  totalRows: number,
  onProgress: ((p: ExportProgress) => void) | undefined,
  /** Per column, the shown word of each stored value (the journey's `click` → "Klick"); columns without one stay as stored. */
  words: readonly (Readonly<Record<string, string>> | undefined)[] = [],
): Promise<number> {
  const sheet = new SheetWriter(book, name, columns, totalRows, onProgress);
  const worded = words.flatMap((w, i) => (w ? [[i, w] as const] : []));
  await sheet.start();
  await db.onReader(async (connection) => {
    // An export is a background job: DuckDB sorts within a small memory budget on one
    // thread (spilling to its temp dir) instead of taking hundreds of MB next to ExcelJS.
    // The settings are the database's; they are put back when the export ends.
    const before = (await connection.runAndReadAll("SELECT current_setting('memory_limit') AS m, current_setting('threads') AS t")).getRowObjectsJS()[0] as { m: string; t: bigint };
    await connection.run(`SET memory_limit = '${EXPORT_DUCKDB_MEMORY}'; SET threads = 1`);
    try {
      await streamRows(connection);
    } finally {
      await connection.run(`SET memory_limit = '${String(before.m).replace(/'/g, '')}'; SET threads = ${Number(before.t)}`);
    }
  });
  async function streamRows(connection: DuckDBConnection): Promise<void> {
    const result = await connection.stream(sql, [...params]);
    for await (const chunk of result.yieldRowsJs()) {
      const rows = chunk as unknown[][];
      for (const row of worded.length > 0 ? rows : []) for (const [i, w] of worded) if (typeof row[i] === 'string' && Object.hasOwn(w, row[i])) row[i] = w[row[i]];
      await sheet.add(rows);
    }
  }
  return sheet.finish();
}

/** Feeds one sheet (and its continuation sheets) to the writer thread, a few batches ahead. */
export class SheetWriter {
  private readonly inFlight: Promise<FromExcelWorker>[] = [];
  private readonly types: GridColumnType[];

  constructor(
    private readonly book: Book,
    private readonly name: string,
    private readonly columns: readonly ReportColumn[],
    private readonly totalRows = 0,
    private readonly onProgress?: (p: ExportProgress) => void,
  ) {
    this.types = columns.map((c) => c.type);
  }

  async start(preamble?: readonly (readonly [string, string])[]): Promise<void> {
    this.book.worker.onProgress = this.onProgress;
    const columns = this.columns.map((c) => ({ colId: c.colId, title: cleanText(c.title), type: c.type, ...(c.numFmt ? { numFmt: c.numFmt } : {}) }));
    await this.book.worker.send({
      kind: 'sheet',
      name: this.name,
      columns,
      maxRows: MAX_SHEET_DATA_ROWS,
      totalRows: this.totalRows,
      progress: this.onProgress !== undefined,
      ...(preamble && preamble.length > 0 ? { preamble: preamble.map(([l, v]) => [cleanText(l), cleanText(v)] as const) } : {}),
    });
  }

  /**
   * Converts rows in place to cell values and posts them, split so no batch carries more than
   * {@link MAX_BATCH_CHARS} of text (the writer's heap is capped); waits while enough are queued.
   */
  async add(rows: unknown[][]): Promise<void> {
    const types = this.types;
    let start = 0;
    let chars = 0;
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r]!;
      for (let i = 0; i < types.length; i++) {
        const v = cellValue(row[i], types[i]!);
        if (typeof v === 'string') chars += v.length;
        row[i] = v;
      }
      if (chars >= MAX_BATCH_CHARS) {
        await this.post((start === 0 && r === rows.length - 1 ? rows : rows.slice(start, r + 1)) as CellValue[][]);
        start = r + 1;
        chars = 0;
      }
    }
    if (start < rows.length) await this.post((start === 0 ? rows : rows.slice(start)) as CellValue[][]);
  }

  private async post(rows: CellValue[][]): Promise<void> {
    const answer = this.book.worker.send({ kind: 'rows', rows });
    // Awaited below or in finish(); a failure meanwhile also rejects every later send.
    answer.catch(() => undefined);
    this.inFlight.push(answer);
    if (this.inFlight.length >= IN_FLIGHT_BATCHES) await this.inFlight.shift();
  }

  /** Waits for the queued batches, closes the sheet; returns its rows. */
  async finish(): Promise<number> {
    for (const answer of this.inFlight.splice(0)) await answer;
    const last = await this.book.worker.send({ kind: 'end-sheet' });
    if (last.kind !== 'ack') throw new Error(`unexpected answer ${last.kind} from the Excel writer thread`);
    this.book.sheets.push(...last.sheets);
    return last.rows;
  }
}

/**
 * One value as a typed cell. IDs with more than 15 significant digits become text:
 * Excel keeps only 15 digits of a number, so such an ID would be silently altered
 * (stricter than "beyond 2^53", which Excel would already round on display).
 *
 * Text is always set as a plain string value. ExcelJS writes strings as string cells
 * (inline strings here) and only `{ formula }` objects as `<f>` formula cells, so a value
 * such as `=HYPERLINK(…)`, `+1`, `-2`, `@SUM(…)` stays inert text, unchanged (no `'`
 * prefix: the operator sees the data exactly as the server sent it).
 */
export function cellValue(v: unknown, type: GridColumnType): string | number | Date | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') {
    const digits = (v < 0n ? -v : v).toString();
    return digits.length <= 15 ? Number(v) : v.toString();
  }
  if (v instanceof Date) return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string') {
    if (type === 'id' && /^-?\d{1,15}$/.test(v)) return Number(v);
    return cleanText(v);
  }
  return cleanText(String(v));
}

function cleanText(s: string): string {
  const clean = s.replace(INVALID_XML_CHARS, '\uFFFD');
  return clean.length > EXCEL_MAX_CELL_CHARS ? clean.slice(0, EXCEL_MAX_CELL_CHARS) : clean;
}
