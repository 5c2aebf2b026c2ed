import type { WriteStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import type { DuckDBConnection } from '@duckdb/node-api';
import ExcelJS from 'exceljs';
import { AppError } from '../../../shared/contract/result';
import type { Database } from '../store/database';
import { compileGridQuery, type GridColumn, type GridColumnType, type GridQuery } from './grid-query';
import { KPI_DEFINITIONS, activityTimeline, clicksPerLink, clientStats, kpisForMailings } from './kpis';

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

/** Options of a grid-view export. */
export interface ExportRowsInput {
  /** The grid view as shown: view, sort, filter, scope (paging is ignored). */
  readonly query: Omit<GridQuery, 'startRow' | 'endRow'> & { readonly startRow?: number; readonly endRow?: number };
  readonly outPath: string;
  /** Sheet name; defaults to the view name. */
  readonly sheetName?: string;
  readonly onProgress?: (p: ExportProgress) => void;
}

const PROGRESS_EVERY = 10_000;
/** Unzipped sheet XML allowed to wait for the zip writer before rows pause. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

interface PassThroughLike {
  readonly _writableState?: { readonly length?: number };
  once(event: 'drain', listener: () => void): unknown;
}
const EXCEL_MAX_CELL_CHARS = 32_767;
// XML 1.0 forbids these; a file containing them does not open.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const INVALID_XML_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/**
 * Exports a grid view, filtered and sorted as the grid shows it, to an .xlsx file.
 * Streams rows from DuckDB into ExcelJS's streaming writer, so memory stays flat.
 * The file is complete or absent: written to `<out>.partial`, renamed at the end.
 */
export async function exportRows(db: Database, input: ExportRowsInput): Promise<ExportResult> {
  const compiled = compileGridQuery(input.query, null);
  const sheetName = input.sheetName ?? input.query.view;
  return writeWorkbook(input.outPath, async (book) => {
    const total = Number((await db.all<{ n: bigint }>(compiled.count, [...compiled.params]))[0]?.n ?? 0);
    const rows = await streamSheet(db, book, sheetName, compiled.columns, compiled.select, compiled.params, total, input.onProgress);
    return rows;
  });
}

/** Options of a mailing report. */
export interface ExportMailingReportInput {
  readonly mailingId: string;
  readonly outPath: string;
  readonly onProgress?: (p: ExportProgress) => void;
}

/**
 * A mailing report workbook: KPIs (with each formula in words), bounces by category,
 * clicks per link, hourly activity, devices/platforms/browsers, then detail sheets
 * (recipients, opens, clicks with link names, unsubscribes, responses).
 */
export async function exportMailingReport(db: Database, input: ExportMailingReportInput): Promise<ExportResult> {
  const mailingIds = [input.mailingId];
  const kpis = await kpisForMailings(db, { mailingIds });
  const links = await clicksPerLink(db, { mailingIds });
  const timeline = await activityTimeline(db, { mailingIds });
  const clients = await clientStats(db, { mailingIds });
  return writeWorkbook(input.outPath, async (book) => {
    const sheet = (name: string, columns: readonly GridColumn[], rows: readonly (readonly unknown[])[]) => {
      const sink = new SheetSink(book, name, columns);
      for (const r of rows) sink.add(r);
      sink.finish();
      return sink.sheets;
    };
    sheet(
      'KPIs',
      [col('kpi', 'KPI', 'text'), col('value', 'Value', 'number'), col('unit', 'Unit', 'text'), col('formula', 'How it is computed', 'text')],
      KPI_DEFINITIONS.map((d) => [d.label, kpis.values[d.key], d.unit, d.formula]),
    );
    sheet(
      'Bounces by category',
      [col('category', 'Category', 'text'), col('recipients', 'Recipients', 'number')],
      kpis.bouncesByCategory.map((b) => [b.category, b.recipients]),
    );
    sheet(
      'Clicks per link',
      [col('link_id', 'Link ID', 'id'), col('name', 'Link name', 'text'), col('url', 'URL', 'text'), col('total', 'Clicks', 'number'), col('unique', 'Unique clickers', 'number')],
      links.map((l) => [l.linkId, l.name, l.url, l.total, l.unique]),
    );
    sheet(
      'Activity per hour',
      [col('hour', 'Hour', 'date'), col('opens', 'Opens', 'number'), col('clicks', 'Clicks', 'number')],
      timeline.map((t) => [new Date(`${t.hour.replace(' ', 'T')}Z`), t.opens, t.clicks]),
    );
    sheet(
      'Devices',
      [col('source', 'Event', 'text'), col('dimension', 'Dimension', 'text'), col('value', 'Value', 'text'), col('events', 'Events', 'number'), col('recipients', 'Recipients', 'number')],
      clients.map((s) => [s.source, s.dimension, s.value, s.events, s.recipients]),
    );
    let rows = 0;
    const details = [
      ['Recipients', 'mailing_recipients'],
      ['Opens', 'opens'],
      ['Clicks', 'clicks_with_links'],
      ['Unsubscribes', 'unsubscribes'],
      ['Responses', 'responses'],
    ] as const;
    for (const [name, view] of details) {
      const compiled = compileGridQuery({ view, scope: { mailingId: input.mailingId } }, null);
      const total = Number((await db.all<{ n: bigint }>(compiled.count, [...compiled.params]))[0]?.n ?? 0);
      rows += await streamSheet(db, book, name, compiled.columns, compiled.select, compiled.params, total, input.onProgress);
    }
    return rows;
  });
}

function col(colId: string, title: string, type: GridColumnType): GridColumn {
  return { colId, title, type };
}

type Book = ExcelJS.stream.xlsx.WorkbookWriter & { __sheets?: string[] };

/** Runs `fill` against a streaming workbook written to `<out>.partial`, then renames it. */
async function writeWorkbook(outPath: string, fill: (book: Book) => Promise<number>): Promise<ExportResult> {
  const partial = `${outPath}.partial`;
  let out: WriteStream | null = null;
  try {
    // Opened up front so a missing folder or a read-only disk fails here, not mid-stream.
    const handle = await open(partial, 'w');
    const stream = handle.createWriteStream();
    out = stream;
    const failed = new Promise<never>((_resolve, reject) => stream.on('error', reject));
    failed.catch(() => undefined);
    const closed = new Promise<void>((resolve) => stream.on('close', resolve));
    // Not shared strings: that table would grow with every distinct value (memory).
    const book = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useSharedStrings: false, useStyles: true }) as Book;
    book.__sheets = [];
    const rows = await Promise.race([fill(book), failed]);
    await Promise.race([book.commit(), failed]);
    await Promise.race([closed, failed]);
    await rename(partial, outPath);
    return { outPath, rows, sheets: [...book.__sheets] };
  } catch (e) {
    out?.destroy();
    await rm(partial, { force: true });
    if (e instanceof AppError) throw e;
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOSPC' || err.code === 'EACCES' || err.code === 'ENOENT' || err.code === 'EROFS') {
      throw new AppError('PERMISSION_DENIED', `Could not write ${outPath}: ${err.code}. Choose another folder or free some disk space.`, { code: err.code });
    }
    throw e;
  }
}

/** Streams a query's rows into one or more sheets. */
async function streamSheet(
  db: Database,
  book: Book,
  name: string,
  columns: readonly GridColumn[],
  sql: string,
  params: readonly (string | number)[],
  totalRows: number,
  onProgress: ((p: ExportProgress) => void) | undefined,
): Promise<number> {
  const sink = new SheetSink(book, name, columns, totalRows, onProgress);
  await db.onReader(async (connection) => {
    // An export is a background job: DuckDB sorts within a small memory budget on one
    // thread (spilling to its temp dir) instead of taking hundreds of MB next to ExcelJS.
    // The settings are the database's; they are put back when the export ends.
    const before = (await connection.runAndReadAll("SELECT current_setting('memory_limit') AS m, current_setting('threads') AS t")).getRowObjectsJS()[0] as { m: string; t: bigint };
    await connection.run("SET memory_limit = '64MB'; SET threads = 1");
    try {
      await streamRows(connection);
    } finally {
      await connection.run(`SET memory_limit = '${String(before.m).replace(/'/g, '')}'; SET threads = ${Number(before.t)}`);
    }
  });
  async function streamRows(connection: DuckDBConnection): Promise<void> {
    const result = await connection.stream(sql, [...params]);
    for await (const chunk of result.yieldRowsJs()) {
      for (const row of chunk) sink.add(row);
      await sink.drain();
    }
  }
  sink.finish();
  return sink.rows;
}

/** Writes typed rows to a sheet, continuing on a new sheet when one is full. */
class SheetSink {
  rows = 0;
  readonly sheets: string[] = [];
  private sheet: ExcelJS.Worksheet | null = null;
  private inSheet = 0;
  private readonly styles: Partial<ExcelJS.Style>[];

  constructor(
    private readonly book: Book,
    private readonly baseName: string,
    private readonly columns: readonly GridColumn[],
    private readonly totalRows = 0,
    private readonly onProgress?: (p: ExportProgress) => void,
  ) {
    this.styles = columns.map((c) => columnStyle(c.type));
    this.open();
  }

  add(values: readonly unknown[]): void {
    if (this.inSheet >= MAX_SHEET_DATA_ROWS) {
      this.sheet!.commit();
      this.open();
    }
    const row = this.sheet!.getRow(this.inSheet + 2);
    for (let i = 0; i < this.columns.length; i++) {
      const v = cellValue(values[i], this.columns[i]!.type);
      if (v === null) continue;
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
    this.onProgress?.({ sheet: this.sheets[this.sheets.length - 1]!, rowsWritten: this.rows, totalRows: Math.max(this.totalRows, this.rows), done });
  }

  private open(): void {
    const name = sheetName(this.baseName, this.sheets.length, this.book.__sheets!);
    this.sheets.push(name);
    this.book.__sheets!.push(name);
    const ws = this.book.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = this.columns.map((c, i) => ({ key: c.colId, width: columnWidth(c), style: this.styles[i] }));
    const header = ws.getRow(1);
    this.columns.forEach((c, i) => {
      const cell = header.getCell(i + 1);
      cell.style = HEADER_STYLE;
      cell.value = cleanText(c.title);
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

const HEADER_STYLE: Partial<ExcelJS.Style> = { font: { bold: true } };

function columnWidth(c: GridColumn): number {
  const byType = { id: 16, number: 12, date: 20, text: 24 }[c.type];
  return Math.max(byType, Math.min(60, c.title.length + 2));
}

function columnStyle(type: GridColumnType): Partial<ExcelJS.Style> {
  if (type === 'date') return { numFmt: 'yyyy-mm-dd hh:mm:ss' };
  if (type === 'id') return { numFmt: '0' };
  return {};
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
