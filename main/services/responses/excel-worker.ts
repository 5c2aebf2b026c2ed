/**
 * Worker-thread half of the Excel export (see workbook-writer.ts): owns the ExcelJS streaming
 * writer. The main thread streams rows out of DuckDB, turns them into cell values and posts
 * them here in batches. ExcelJS makes several short-lived objects per cell; in a worker started
 * with a small young generation that garbage is collected in a few MB instead of the tens of MB
 * the main isolate's young generation grows to, which is what keeps a million-row export under
 * its memory budget. Imports only ExcelJS, so it starts fast.
 */
import { createWriteStream } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import ExcelJS from 'exceljs';
import type { GridColumnType } from './grid-query';

/** A column of a sheet, as the worker needs it. */
export interface SheetColumn {
  readonly colId: string;
  readonly title: string;
  readonly type: GridColumnType;
  /** An Excel number format instead of the type's own (`0.0%` for rates). */
  readonly numFmt?: string;
}

/** One cell value, already typed and cleaned by the main thread (null = empty cell). */
export type CellValue = string | number | Date | null;

/** What the worker is started with. */
export interface ExcelWorkerJob {
  /** Open file descriptor of `<out>.partial`; the main thread owns it and closes it. */
  readonly fd: number;
}

/** Messages to the worker; each is answered by exactly one `ack`, `done` or `error`. */
export type ToExcelWorker =
  | {
      readonly kind: 'sheet';
      readonly name: string;
      readonly maxRows: number;
      readonly columns: readonly SheetColumn[];
      readonly totalRows: number;
      readonly progress: boolean;
      /** Label/value lines above the table of the first sheet (what the sheet is about, when it was written). */
      readonly preamble?: readonly (readonly [string, string])[];
    }
  | { readonly kind: 'rows'; readonly rows: CellValue[][] }
  | { readonly kind: 'end-sheet' }
  | { readonly kind: 'commit' };

/** Messages from the worker. */
export type FromExcelWorker =
  | { readonly kind: 'ack'; readonly rows: number; readonly sheets: readonly string[] }
  | { readonly kind: 'progress'; readonly sheet: string; readonly rowsWritten: number; readonly totalRows: number; readonly done: boolean }
  | { readonly kind: 'done' }
  | { readonly kind: 'error'; readonly message: string; readonly code?: string; readonly stack?: string };

const PROGRESS_EVERY = 10_000;
/**
 * Unzipped sheet XML allowed to wait for the zip writer before rows pause. Small: the writer
 * keeps up either way, and every buffered MB is resident memory.
 */
const MAX_BUFFERED_BYTES = 2 * 1024 * 1024;

interface PassThroughLike {
  readonly _writableState?: { readonly length?: number };
  once(event: 'drain', listener: () => void): unknown;
}

const HEADER_STYLE: Partial<ExcelJS.Style> = { font: { bold: true } };

/** Writes typed rows to a sheet, continuing on a new sheet when one is full. */
class SheetSink {
  rows = 0;
  readonly sheets: string[] = [];
  private sheet: ExcelJS.Worksheet | null = null;
  private inSheet = 0;
  private readonly styles: Partial<ExcelJS.Style>[];

  constructor(
    private readonly book: ExcelJS.stream.xlsx.WorkbookWriter,
    private readonly taken: string[],
    private readonly baseName: string,
    private readonly columns: readonly SheetColumn[],
    private readonly totalRows: number,
    private readonly report: boolean,
    /** Data rows per sheet (MAX_SHEET_DATA_ROWS of workbook-writer.ts). */
    private readonly maxRows: number,
    private readonly preamble: readonly (readonly [string, string])[] = [],
  ) {
    this.styles = columns.map((c) => columnStyle(c.type, c.numFmt));
    this.open();
  }

  /** The row of the column titles: 1, or below the preamble and a blank line on the first sheet. */
  private headerRow = 1;

  add(values: readonly CellValue[]): void {
    if (this.inSheet >= this.maxRows) {
      this.sheet!.commit();
      this.open();
    }
    const row = this.sheet!.getRow(this.inSheet + this.headerRow + 1);
    for (let i = 0; i < this.columns.length; i++) {
      const v = values[i];
      if (v === null || v === undefined) continue;
      const cell = row.getCell(i + 1);
      // One shared style object per column: ExcelJS caches style ids by object identity,
      // and a fresh object per cell costs a style lookup (XML render) for every cell.
      cell.style = this.styles[i]!;
      cell.value = v;
    }
    row.commit();
    this.inSheet++;
    this.rows++;
    if (this.rows % PROGRESS_EVERY === 0) this.progress(false);
  }

  /**
   * Waits while the zip entry holds more than {@link MAX_BUFFERED_BYTES} of unzipped XML.
   * ExcelJS's sheet stream ignores back-pressure (it never checks `write()`'s result), so
   * without this the whole sheet's XML piles up in memory (≈ 700 MB per million rows).
   * Reaches into ExcelJS internals (`stream.pipes[0]`, a readable-stream PassThrough);
   * if their shape changes it degrades to a plain yield, never to an error.
   */
  async drain(): Promise<void> {
    const pipe = (this.sheet as unknown as { stream?: { pipes?: PassThroughLike[] } } | null)?.stream?.pipes?.[0];
    const buffered = pipe?._writableState?.length;
    if (pipe && typeof buffered === 'number' && buffered > MAX_BUFFERED_BYTES && typeof pipe.once === 'function') {
      await new Promise<void>((resolve) => pipe.once('drain', () => resolve()));
    } else {
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  finish(): void {
    this.sheet!.commit();
    this.progress(true);
  }

  private progress(done: boolean): void {
    if (!this.report) return;
    port.postMessage({
      kind: 'progress',
      sheet: this.sheets[this.sheets.length - 1]!,
      rowsWritten: this.rows,
      totalRows: Math.max(this.totalRows, this.rows),
      done,
    } satisfies FromExcelWorker);
  }

  private open(): void {
    const name = sheetName(this.baseName, this.sheets.length, this.taken);
    this.sheets.push(name);
    this.taken.push(name);
    const lines = this.sheets.length === 1 ? this.preamble : [];
    this.headerRow = lines.length > 0 ? lines.length + 2 : 1;
    const ws = this.book.addWorksheet(name, { views: [{ state: 'frozen', ySplit: this.headerRow }] });
    ws.columns = this.columns.map((c, i) => ({ key: c.colId, width: columnWidth(c), style: this.styles[i] }));
    lines.forEach(([label, value], i) => {
      const row = ws.getRow(i + 1);
      const labelCell = row.getCell(1);
      labelCell.style = HEADER_STYLE;
      labelCell.value = label;
      row.getCell(2).value = value;
      row.commit();
    });
    const header = ws.getRow(this.headerRow);
    this.columns.forEach((c, i) => {
      const cell = header.getCell(i + 1);
      cell.style = HEADER_STYLE;
      cell.value = c.title;
    });
    header.commit();
    this.sheet = ws;
    this.inSheet = 0;
  }
}

/** Sheet names: max 31 chars, no `[]:*?/\`, unique; continuation sheets get " (n)". */
function sheetName(base: string, index: number, taken: readonly string[]): string {
  const suffix = index === 0 ? '' : ` (${index + 1})`;
  let name = base.replace(/[[\]:*?/\\]/g, '_').slice(0, 31 - suffix.length) + suffix;
  for (let n = 2; taken.includes(name); n++) name = `${base.slice(0, 25)}~${n}${suffix}`.slice(0, 31);
  return name;
}

function columnWidth(c: SheetColumn): number {
  const byType = { id: 16, number: 12, date: 20, text: 24 }[c.type];
  return Math.max(byType, Math.min(60, c.title.length + 2));
}

function columnStyle(type: GridColumnType, numFmt?: string): Partial<ExcelJS.Style> {
  if (numFmt) return { numFmt };
  if (type === 'date') return { numFmt: 'yyyy-mm-dd hh:mm:ss' };
  if (type === 'id') return { numFmt: '0' };
  return {};
}

const port = parentPort!;
const job = workerData as ExcelWorkerJob;
// autoClose off: the descriptor is the main thread's, which closes it after this worker is gone
// (a worker that is terminated does not close raw descriptors it opened).
const out = createWriteStream('', { fd: job.fd, autoClose: false });
let streamError: Error | null = null;
out.on('error', (e) => (streamError ??= e));
// Not shared strings: that table would grow with every distinct value (memory).
const book = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: true });
const taken: string[] = [];
let sink: SheetSink | null = null;
let failed = false;

async function handle(m: ToExcelWorker): Promise<FromExcelWorker> {
  if (streamError) throw streamError;
  switch (m.kind) {
    case 'sheet':
      sink = new SheetSink(book, taken, m.name, m.columns, m.totalRows, m.progress, m.maxRows, m.preamble);
      return { kind: 'ack', rows: 0, sheets: sink.sheets };
    case 'rows':
      for (const r of m.rows) sink!.add(r);
      await sink!.drain();
      return { kind: 'ack', rows: sink!.rows, sheets: sink!.sheets };
    case 'end-sheet':
      sink!.finish();
      return { kind: 'ack', rows: sink!.rows, sheets: sink!.sheets };
    case 'commit':
      await book.commit();
      // Every byte handed to the descriptor before the main thread renames the file.
      await new Promise<void>((resolve, reject) => {
        if (streamError) return reject(streamError);
        out.once('error', reject);
        if (out.writableFinished) resolve();
        else out.once('finish', () => resolve());
      });
      return { kind: 'done' };
  }
}

// Messages are handled one after another; ExcelJS's writer is not re-entrant.
let queue: Promise<void> = Promise.resolve();
port.on('message', (m: ToExcelWorker) => {
  queue = queue.then(async () => {
    if (failed) return;
    try {
      port.postMessage(await handle(m));
    } catch (e) {
      failed = true;
      const err = e as NodeJS.ErrnoException;
      port.postMessage({ kind: 'error', message: err?.message ?? String(e), code: err?.code, stack: err?.stack } satisfies FromExcelWorker);
    }
  });
});
