import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import iconv from 'iconv-lite';
import { AppError } from '../../../shared/contract/result';
import type { ErrorMessageId, MessageValues } from '../../../shared/i18n/messages';
import { csvBatches, readHead } from './csv-reader';
import { DELIMITERS, detectDelimiter } from './delimiter';
import { detectEncoding, looksBinary, normaliseEncodingName, SAMPLE_BYTES, sniffBom, type EncodingGuess } from './encoding';
import { isEmptyRow } from './empty-row';
import type { OpenOptions, ProgressCallback, RawBatch, ReadStats, SheetRow, Spreadsheet } from './types';
import { xlsxBatches, type XlsxInfo } from './xlsx-reader';

const TEXT_EXTENSIONS = new Set(['.csv', '.txt', '.tsv']);
const XLSX_EXTENSIONS = new Set(['.xlsx', '.xlsm']);
/** Excel's column limit (XFD); a header row wider than this is not a spreadsheet export. */
export const MAX_COLUMNS = 16_384;

/** A file Loopdesk does not read: the message names it (`{path}`) and says what to do. */
function unsupported(path: string, messageId: ErrorMessageId, values: MessageValues = {}): AppError {
  return new AppError('UNSUPPORTED_FILE', messageId, { ...values, path }, { path });
}

export { isEmptyRow };

/** Trims header names and names blank ones `Column N`, so every column can be shown and mapped. */
export function normaliseHeaders(values: readonly string[]): string[] {
  return values.map((v, i) => {
    const t = v.replace(/^\uFEFF/, '').trim();
    return t === '' ? `Column ${i + 1}` : t;
  });
}

type Kind = { format: 'xlsx' } | { format: 'csv'; guess: EncodingGuess; delimiter: string };

/** Decides how to read a file from its first bytes and name; refuses what it cannot read with advice. */
async function classify(path: string, size: number, opts: OpenOptions): Promise<Kind> {
  const ext = extname(path).toLowerCase();
  if (size === 0) throw unsupported(path, 'error.recipients.file.empty');
  const head = await readHead(path, SAMPLE_BYTES);
  const isZip = head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && (head[2] === 3 || head[2] === 5) && (head[3] === 4 || head[3] === 6);
  const isOle = head.length >= 8 && head.readUInt32BE(0) === 0xd0cf11e0 && head.readUInt32BE(4) === 0xa1b11ae1;
  if (isOle) {
    throw unsupported(path, ext === '.xls' ? 'error.recipients.file.oldExcel' : 'error.recipients.file.oldOffice');
  }
  if (ext === '.xls' || ext === '.xlsb' || ext === '.ods' || ext === '.numbers') {
    throw unsupported(path, ext === '.numbers' ? 'error.recipients.file.numbers' : 'error.recipients.file.otherFormat', { ext });
  }
  if (isZip) {
    if (XLSX_EXTENSIONS.has(ext) || TEXT_EXTENSIONS.has(ext)) return { format: 'xlsx' };
    throw unsupported(path, 'error.recipients.file.zip');
  }
  if (XLSX_EXTENSIONS.has(ext)) throw unsupported(path, 'error.recipients.file.fakeXlsx');
  if (!TEXT_EXTENSIONS.has(ext)) throw unsupported(path, ext ? 'error.recipients.file.extension' : 'error.recipients.file.noExtension', { ext });

  const truncated = size > head.length;
  let guess: EncodingGuess;
  if (opts.encoding) {
    const name = normaliseEncodingName(opts.encoding);
    if (!name) throw new AppError('INVALID_INPUT', 'error.recipients.open.encoding', { encoding: opts.encoding });
    const bom = sniffBom(head);
    guess = { encoding: name, bomLength: bom && bom.encoding === name ? bom.bomLength : 0, source: 'caller' };
  } else {
    guess = detectEncoding(head, truncated);
  }
  const wide = guess.encoding.startsWith('utf-16');
  if (!wide && looksBinary(head)) throw unsupported(path, 'error.recipients.file.binary');
  const sampleText = iconv.decode(head.subarray(guess.bomLength), guess.encoding);
  if (wide && sampleText.includes('\u0000')) throw unsupported(path, 'error.recipients.file.binary');

  let delimiter: string;
  if (opts.delimiter) {
    const d = opts.delimiter === '\\t' || /^tab$/i.test(opts.delimiter) ? '\t' : opts.delimiter;
    if (d.length !== 1 || d === '"' || d === '\n' || d === '\r') {
      throw new AppError('INVALID_INPUT', 'error.recipients.open.delimiter', { delimiter: opts.delimiter });
    }
    delimiter = d;
  } else {
    delimiter = detectDelimiter(sampleText, !truncated);
  }
  return { format: 'csv', guess, delimiter };
}

/**
 * Opens a recipient or catalog file for streaming: detects the format, encoding and separator
 * (each overridable), reads the header row and returns a restartable row stream.
 * The first iteration continues the pass that found the header, so big workbooks are read once.
 * Throws AppError('UNSUPPORTED_FILE') for .xls, .numbers, damaged zips, empty or binary files.
 */
export async function openSpreadsheet(path: string, opts: OpenOptions = {}): Promise<Spreadsheet> {
  let size: number;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw unsupported(path, 'error.recipients.file.notAFile');
    size = st.size;
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw new AppError('NOT_FOUND', 'error.recipients.file.cannotOpen', { path, reason: (e as Error).message }, { path });
  }
  const kind = await classify(path, size, opts);
  const xlsxInfo: XlsxInfo = { sheets: [] };
  const source = (): AsyncGenerator<RawBatch> =>
    kind.format === 'xlsx'
      ? xlsxBatches(path, opts.sheet, xlsxInfo, size)
      : csvBatches(path, { encoding: kind.guess.encoding, bomLength: kind.guess.bomLength, delimiter: kind.delimiter });

  // First pass: find the header row, keep the generator and the rows read past it.
  let primed: AsyncGenerator<RawBatch> | undefined = source();
  let pending: SheetRow[] = [];
  let header: SheetRow | undefined;
  let emptyBefore = 0;
  let primedBytes = 0;
  try {
    outer: for (;;) {
      const r = await primed.next();
      if (r.done) break;
      primedBytes = r.value.bytesRead;
      const rows = r.value.rows;
      for (let i = 0; i < rows.length; i++) {
        if (isEmptyRow(rows[i].values)) {
          emptyBefore++;
          continue;
        }
        header = rows[i];
        pending = rows.slice(i + 1);
        break outer;
      }
    }
  } catch (e) {
    await primed.return(undefined).catch(() => undefined);
    throw e;
  }
  if (!header) {
    await primed.return(undefined);
    throw unsupported(path, 'error.recipients.file.noRows');
  }
  if (header.values.length > MAX_COLUMNS) {
    // Found by test/fuzz: 2,000,000 columns made column mapping run for minutes.
    await primed.return(undefined);
    throw unsupported(path, 'error.recipients.file.tooManyColumns', { columns: header.values.length, row: header.line, max: MAX_COLUMNS });
  }
  opts.onProgress?.({ bytesRead: primedBytes, totalBytes: size, rows: 0 });
  const headerLine = header.line;
  const stats: ReadStats = { rows: 0, emptyRows: emptyBefore, bytesRead: primedBytes };

  async function* batches(onProgress?: ProgressCallback): AsyncGenerator<readonly SheetRow[]> {
    stats.rows = 0;
    stats.emptyRows = emptyBefore;
    let gen: AsyncGenerator<RawBatch>;
    let first: readonly SheetRow[] = [];
    let reopened = false;
    if (primed) {
      gen = primed;
      first = pending;
      primed = undefined;
      pending = [];
    } else {
      gen = source();
      reopened = true;
    }
    const report = onProgress ?? opts.onProgress;
    const emit = (rows: readonly SheetRow[], skipHeader: boolean): SheetRow[] => {
      const out: SheetRow[] = [];
      for (const row of rows) {
        if (skipHeader && row.line <= headerLine) continue;
        if (isEmptyRow(row.values)) stats.emptyRows++;
        else out.push(row);
      }
      stats.rows += out.length;
      return out;
    };
    try {
      if (first.length > 0) {
        const out = emit(first, false);
        if (out.length > 0) yield out;
      }
      for (;;) {
        const r = await gen.next();
        if (r.done) break;
        stats.bytesRead = r.value.bytesRead;
        const out = emit(r.value.rows, reopened);
        report?.({ bytesRead: stats.bytesRead, totalBytes: size, rows: stats.rows });
        if (out.length > 0) yield out;
      }
      report?.({ bytesRead: size, totalBytes: size, rows: stats.rows });
    } finally {
      await gen.return(undefined);
    }
  }

  async function* rows(onProgress?: ProgressCallback): AsyncGenerator<SheetRow> {
    for await (const batch of batches(onProgress)) yield* batch;
  }

  return {
    path,
    format: kind.format,
    encoding: kind.format === 'csv' ? kind.guess.encoding : undefined,
    bomLength: kind.format === 'csv' ? kind.guess.bomLength : undefined,
    encodingSource: kind.format === 'csv' ? kind.guess.source : undefined,
    delimiter: kind.format === 'csv' ? kind.delimiter : undefined,
    get sheets() {
      return xlsxInfo.sheets;
    },
    get sheet() {
      return xlsxInfo.sheet;
    },
    headers: normaliseHeaders(header.values),
    headerLine,
    totalBytes: size,
    stats,
    rows,
    batches,
    async close() {
      if (primed) {
        const g = primed;
        primed = undefined;
        await g.return(undefined);
      }
    },
  };
}

/** The first rows of a file with its detected dialect, for the mapping screen. */
export interface SpreadsheetPreview {
  readonly format: 'csv' | 'xlsx';
  readonly encoding?: string;
  readonly delimiter?: string;
  readonly sheets: readonly string[];
  readonly sheet?: string;
  readonly headers: readonly string[];
  readonly headerLine: number;
  readonly rows: readonly SheetRow[];
  readonly totalBytes: number;
}

/**
 * Reads the header and the first `n` data rows, then releases the file.
 * For the mapping screen, so the operator can check the detection before a full read.
 */
export async function previewSpreadsheet(path: string, n = 20, opts: OpenOptions = {}): Promise<SpreadsheetPreview> {
  const sheet = await openSpreadsheet(path, opts);
  const rows: SheetRow[] = [];
  try {
    if (n > 0) {
      for await (const row of sheet.rows()) {
        rows.push(row);
        if (rows.length >= n) break;
      }
    }
  } finally {
    await sheet.close();
  }
  return {
    format: sheet.format,
    encoding: sheet.encoding,
    delimiter: sheet.delimiter,
    sheets: sheet.sheets,
    sheet: sheet.sheet,
    headers: sheet.headers,
    headerLine: sheet.headerLine,
    rows,
    totalBytes: sheet.totalBytes,
  };
}

/** Separators offered to the operator when detection guessed wrong. */
export const SUPPORTED_DELIMITERS = DELIMITERS;
