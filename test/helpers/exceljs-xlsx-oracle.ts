/**
 * The .xlsx reader Loopdesk used before its own (main/services/recipients/xlsx-reader.ts), on
 * ExcelJS's streaming reader. Kept for tests only, as the oracle the fuzz run and the fixture tests
 * compare the new reader with.
 */
import { createRequire } from 'node:module';
import type { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { AppError } from '../../shared/contract/result';
import { formatCellValue } from '../../main/services/recipients/cell-format';
import type { RawBatch, SheetRow } from '../../main/services/recipients/types';
import type { XlsxInfo } from '../../main/services/recipients/xlsx-reader';

interface ExcelRow {
  readonly number: number;
  eachCell(cb: (cell: { readonly value: unknown; readonly numFmt?: string }, col: number) => void): void;
}

/** The parts of ExcelJS's streaming WorkbookReader this module drives (ExcelJS 4.4 internals). */
interface ReaderInternals {
  model?: { readonly sheets?: ReadonlyArray<{ readonly name: string; readonly rId: string }> };
  properties?: { readonly date1904?: boolean; readonly model?: { readonly date1904?: boolean } };
  workbookRels?: ReadonlyArray<{ readonly Id: string; readonly Target: string; readonly Type?: string }>;
  _parseRels(entry: Readable): Promise<void>;
  _parseWorkbook(entry: Readable): Promise<void>;
  _parseSharedStrings(entry: Readable): AsyncGenerator<unknown>;
  _parseStyles(entry: Readable): Promise<void>;
  _parseWorksheet(iterator: AsyncIterable<unknown>, sheetNo: string): Generator<{ eventType: string; value: AsyncIterable<ExcelRow> & { name: string } }>;
}

interface ZipFile {
  readonly path: string;
  readonly type: string;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  stream(): Readable;
}

/**
 * Zip-bomb limits (found by test/fuzz: a 1.4 MB workbook whose sheet inflates to 1 GB exhausted the
 * heap). Real worksheets deflate about 10:1; Apache POI refuses entries above 100:1, and so do we,
 * once a part is past a size no bomb check needs to bother with. The declared sizes in the zip can
 * lie, so the inflated text is counted as it streams.
 */
const MAX_INFLATE_RATIO = 100;
const INFLATE_GRACE_CHARS = 16 * 1024 * 1024;
/**
 * Longest text between two tags. Excel cells hold at most 32,767 characters, and ExcelJS's SAX parser
 * keeps a text run whole in memory, so one huge run (a whitespace or text bomb) would fill the heap.
 */
const MAX_TEXT_RUN_CHARS = 4 * 1024 * 1024;

// ExcelJS's own unzipper (a dependency of exceljs, so always installed next to it).
const requireFromExcel = createRequire(createRequire(import.meta.url).resolve('exceljs'));
const unzipper = requireFromExcel('unzipper') as { Open: { file(path: string): Promise<{ files: ZipFile[] }> } };

/** Resolves a relationship target (relative to `xl/`, or absolute) to a zip path. */
function zipPathOf(target: string): string {
  if (target.startsWith('/')) return target.slice(1);
  const parts: string[] = ['xl'];
  for (const p of target.split('/')) {
    if (p === '..') parts.pop();
    else if (p !== '.' && p !== '') parts.push(p);
  }
  return parts.join('/');
}

function textStream(path: string, file: ZipFile): Readable {
  // Strings, not Buffers: ExcelJS decodes each chunk on its own, which would split a multi-byte
  // character at a chunk boundary.
  const s = file.stream();
  s.setEncoding('utf8');
  // Past the grace size, neither the running ratio nor the whole part may exceed MAX_INFLATE_RATIO.
  const budget = Math.max(INFLATE_GRACE_CHARS, MAX_INFLATE_RATIO * file.compressedSize);
  let chars = 0;
  let run = 0;
  // unzipper pipes its inflater into the entry stream; its bytesWritten is the compressed input
  // consumed so far, which gives the running ratio (the zip's own sizes are the file's word only).
  let inflater: { readonly bytesWritten?: number } | undefined;
  s.on('pipe', (src: { readonly bytesWritten?: number }) => {
    inflater = src;
  });
  s.on('data', (chunk: string) => {
    chars += chunk.length;
    const packed = inflater?.bytesWritten ?? 0;
    const bomb = chars > budget || (chars > INFLATE_GRACE_CHARS && packed > 0 && chars / packed > MAX_INFLATE_RATIO);
    const first = chunk.indexOf('<');
    const longest = first === -1 ? run + chunk.length : run + first;
    run = first === -1 ? run + chunk.length : chunk.length - chunk.lastIndexOf('<') - 1;
    if (bomb) {
      s.destroy(
        AppError.untranslated(
          'UNSUPPORTED_FILE',
          `"${path}" is not a workbook Loopdesk will read: its part ${file.path} unpacks to more than ${MAX_INFLATE_RATIO} times its packed size (${Math.round(chars / 1048576)} MB so far from ${Math.ceil(file.compressedSize / 1024)} KB), which only a damaged file or a zip bomb does. Open it in Excel, save it again as .xlsx (or CSV) and drop it again.`,
          { path, part: file.path, compressedSize: file.compressedSize },
        ),
      );
    } else if (longest > MAX_TEXT_RUN_CHARS) {
      s.destroy(
        AppError.untranslated(
          'UNSUPPORTED_FILE',
          `"${path}" is not a workbook Loopdesk will read: its part ${file.path} holds more than ${MAX_TEXT_RUN_CHARS / 1048576} MB of text in one piece (an Excel cell holds at most 32,767 characters). Open it in Excel, save it again as .xlsx (or CSV) and drop it again.`,
          { path, part: file.path },
        ),
      );
    }
  });
  return s;
}

/**
 * Streams one worksheet of an .xlsx as batches of rows of display text, using ExcelJS's streaming
 * readers. The zip is opened through its central directory, and workbook, relationships, shared
 * strings and styles are parsed before the sheet: ExcelJS's own single-pass `WorkbookReader.parse`
 * loses entries in some zip orders (exceljs#683, #3064), which gave `{sharedString: 0}` cells.
 */
export async function* excelJsXlsxBatches(path: string, sheet: string | undefined, info: XlsxInfo, totalBytes: number, batchSize = 1024): AsyncGenerator<RawBatch> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, {
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'ignore',
  }) as unknown as ReaderInternals;
  let sheetStream: Readable | undefined;
  let rows: AsyncIterable<ExcelRow> | undefined;
  let sheetSize = 1;
  let consumed = 0;
  let date1904 = false;
  try {
    const zip = await unzipper.Open.file(path);
    const byPath = new Map(zip.files.filter((f) => f.type === 'File').map((f) => [f.path.replace(/^\//, ''), f]));
    const rels = byPath.get('xl/_rels/workbook.xml.rels');
    const workbook = byPath.get('xl/workbook.xml');
    if (!workbook || !rels) {
      throw AppError.untranslated('UNSUPPORTED_FILE', `"${path}" is a zip file but not an Excel workbook. Save it as .xlsx or CSV from Excel and drop it again.`, { path });
    }
    await reader._parseRels(textStream(path, rels));
    await reader._parseWorkbook(textStream(path, workbook));
    const shared = byPath.get('xl/sharedStrings.xml');
    if (shared) for await (const _ of reader._parseSharedStrings(textStream(path, shared))) void _;
    const styles = byPath.get('xl/styles.xml');
    if (styles) await reader._parseStyles(textStream(path, styles));
    date1904 = Boolean(reader.properties?.date1904 ?? reader.properties?.model?.date1904);

    const sheets = reader.model?.sheets ?? [];
    info.sheets = sheets.map((s) => s.name);
    const wanted = sheet === undefined ? sheets[0] : sheets.find((s) => s.name === sheet);
    if (!wanted) {
      if (sheet === undefined) throw AppError.untranslated('UNSUPPORTED_FILE', `"${path}" contains no worksheet. Save it as .xlsx or CSV from Excel and drop it again.`, { path });
      throw AppError.untranslated('NOT_FOUND', `The workbook has no worksheet "${sheet}". Choose one of: ${info.sheets.join(', ')}.`, { path, sheets: info.sheets });
    }
    const rel = (reader.workbookRels ?? []).find((r) => r.Id === wanted.rId);
    const file = rel ? byPath.get(zipPathOf(rel.Target)) : undefined;
    if (!file) {
      throw AppError.untranslated('UNSUPPORTED_FILE', `The worksheet "${wanted.name}" is missing from "${path}" (the file is damaged). Open it in Excel, save it again and drop it again.`, { path });
    }
    info.sheet = wanted.name;
    sheetSize = Math.max(1, file.uncompressedSize);
    sheetStream = textStream(path, file);
    sheetStream.on('data', (chunk: string) => {
      consumed += chunk.length;
    });
    const sheetNo = /sheet(\d+)\.xml$/i.exec(file.path)?.[1] ?? '1';
    const emitted = reader._parseWorksheet(sheetStream, sheetNo).next();
    if (emitted.done) throw new Error('worksheet reader not created');
    rows = emitted.value.value;
  } catch (e) {
    sheetStream?.destroy();
    if (e instanceof AppError) throw e;
    throw AppError.untranslated(
      'UNSUPPORTED_FILE',
      `"${path}" could not be read as an Excel workbook (${(e as Error).message}). Open it in Excel, save it again as .xlsx (or CSV) and drop it again.`,
      { path, cause: (e as Error).message },
    );
  }

  const progress = (): number => Math.min(totalBytes, Math.round((consumed / sheetSize) * totalBytes));
  let batch: SheetRow[] = [];
  try {
    for await (const row of rows) {
      const values: string[] = [];
      row.eachCell((cell, col) => {
        values[col - 1] = formatCellValue(cell.value, cell.numFmt, date1904);
      });
      for (let i = 0; i < values.length; i++) if (values[i] === undefined) values[i] = '';
      batch.push({ line: row.number, values });
      if (batch.length >= batchSize) {
        yield { rows: batch, bytesRead: progress() };
        batch = [];
      }
    }
    if (batch.length > 0) yield { rows: batch, bytesRead: totalBytes };
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw AppError.untranslated('UNSUPPORTED_FILE', `The worksheet in "${path}" could not be read (${(e as Error).message}). Open it in Excel, save it again and drop it again.`, {
      path,
      cause: (e as Error).message,
    });
  } finally {
    sheetStream?.destroy();
  }
}
