import { AppError } from '../../../shared/contract/result';
import type { ErrorMessageId } from '../../../shared/i18n/messages';
import type { RawBatch, SheetRow } from './types';
import { SharedStrings, SharedStringsParser } from './xlsx/shared-strings';
import { DamagedPart } from './xlsx/damaged-part';
import { SheetRowsParser } from './xlsx/sheet-rows';
import { RelationshipsParser, StylesParser, WorkbookParser, zipPathOf } from './xlsx/workbook-parts';
import { FastXmlScanner, type FastXmlHandler } from './xlsx/fast-xml-scanner';
import { XmlScanner, MAX_TEXT_RUN_CHARS, TextRunTooLong, type XmlHandler } from './xlsx/xml-scanner';
import { openZipParts, type ZipPart, type ZipParts } from './xlsx/zip-parts';

/** Filled in by {@link xlsxBatches} once the workbook part has been read. */
export interface XlsxInfo {
  /** Worksheet names in workbook order. */
  sheets: string[];
  /** The worksheet actually read. */
  sheet?: string;
}

/** The message of each way a workbook part can be damaged (see {@link DamagedPart}). */
const DAMAGED: Record<DamagedPart['reason'], ErrorMessageId> = {
  'cell-reference': 'error.recipients.xlsx.damaged.cellReference',
  'row-number': 'error.recipients.xlsx.damaged.rowNumber',
  'shared-string': 'error.recipients.xlsx.damaged.sharedString',
  'duplicate-part': 'error.recipients.xlsx.damaged.duplicatePart',
  'malformed-xml': 'error.recipients.xlsx.damaged.malformedXml',
};

function damaged(path: string, e: unknown): AppError {
  if (e instanceof AppError) return e;
  if (e instanceof TextRunTooLong) {
    return new AppError('UNSUPPORTED_FILE', 'error.recipients.xlsx.textRun', { path, mb: MAX_TEXT_RUN_CHARS / 1048576 }, { path });
  }
  if (e instanceof DamagedPart) {
    return new AppError('UNSUPPORTED_FILE', DAMAGED[e.reason], { ...e.values, path }, { path, reason: e.reason });
  }
  const cause = String((e as Error)?.message ?? e).slice(0, 300);
  return new AppError('UNSUPPORTED_FILE', 'error.recipients.xlsx.unreadable', { path, reason: cause }, { path, cause });
}

/** Runs a small part (workbook, relationships, styles) through a handler. */
async function parsePart(zip: ZipParts, part: ZipPart, handler: XmlHandler): Promise<void> {
  const scanner = new XmlScanner(handler);
  for await (const chunk of zip.text(part)) scanner.write(chunk);
  scanner.end();
}

/** Runs a big part (shared strings) through the fast scanner. */
async function parseBigPart(zip: ZipParts, part: ZipPart, handler: FastXmlHandler): Promise<void> {
  const scanner = new FastXmlScanner(handler);
  for await (const chunk of zip.text(part)) scanner.write(chunk);
  scanner.end();
}

/**
 * Streams one worksheet of an .xlsx as batches of rows of display text. The zip is opened through
 * its central directory (yauzl), so the parts are read in the order they are needed whatever the
 * zip's order: relationships, workbook, shared strings (kept compactly), styles, then the sheet.
 * The small parts go through htmlparser2's tokenizer, the shared strings and the sheet through
 * {@link FastXmlScanner}, written for them. About 3× faster than ExcelJS's streaming reader, which
 * builds a row and cell object model we do not need (see `npm run bench`).
 */
// Batches of 256 rows: rows that wait for a bigger batch outlive two scavenges, land in the old
// generation and made the heap of a 1M-row read grow to 250 MB now and then (144 MB otherwise).
export async function* xlsxBatches(path: string, sheet: string | undefined, info: XlsxInfo, totalBytes: number, batchSize = 256): AsyncGenerator<RawBatch> {
  let zip: ZipParts | undefined;
  let rowsParser: SheetRowsParser;
  let sheetPart: ZipPart;
  try {
    zip = await openZipParts(path);
    const rels = zip.parts.get('xl/_rels/workbook.xml.rels');
    const workbookPart = zip.parts.get('xl/workbook.xml');
    if (!workbookPart || !rels) {
      throw new AppError('UNSUPPORTED_FILE', 'error.recipients.xlsx.notWorkbook', { path }, { path });
    }
    const relsParser = new RelationshipsParser();
    await parsePart(zip, rels, relsParser);
    const workbook = new WorkbookParser();
    await parsePart(zip, workbookPart, workbook);

    // A sheet without a name is not one Excel lists.
    const named = workbook.sheets.filter((s) => s.name !== '');
    info.sheets = named.map((s) => s.name);
    const wanted = sheet === undefined ? named[0] : named.find((s) => s.name === sheet);
    if (!wanted) {
      if (sheet === undefined) throw new AppError('UNSUPPORTED_FILE', 'error.recipients.xlsx.noSheets', { path }, { path });
      throw new AppError('NOT_FOUND', 'error.recipients.xlsx.noSuchSheet', { sheet, sheets: info.sheets.join(', ') }, { path, sheets: info.sheets });
    }
    const rel = relsParser.rels.find((r) => r.id === wanted.relId);
    const part = rel ? zip.parts.get(zipPathOf(rel.target)) : undefined;
    if (!part) {
      throw new AppError('UNSUPPORTED_FILE', 'error.recipients.xlsx.sheetMissing', { sheet: wanted.name, path }, { path });
    }

    let shared = new SharedStrings();
    const sharedPart = zip.parts.get('xl/sharedStrings.xml');
    if (sharedPart) {
      const parser = new SharedStringsParser();
      await parseBigPart(zip, sharedPart, parser);
      shared = parser.strings;
    }
    shared.finish();
    const styles = new StylesParser();
    const stylesPart = zip.parts.get('xl/styles.xml');
    if (stylesPart) await parsePart(zip, stylesPart, styles);

    info.sheet = wanted.name;
    sheetPart = part;
    rowsParser = new SheetRowsParser(shared, styles.formats(), workbook.date1904);
  } catch (e) {
    zip?.close();
    throw damaged(path, e);
  }

  const sheetSize = Math.max(1, sheetPart.uncompressedSize);
  let consumed = 0;
  try {
    const scanner = new FastXmlScanner(rowsParser);
    for await (const chunk of zip.text(sheetPart)) {
      scanner.write(chunk);
      consumed += chunk.length;
      if (rowsParser.rows.length >= batchSize) {
        const rows = rowsParser.rows;
        rowsParser.rows = [];
        yield { rows, bytesRead: Math.min(totalBytes, Math.round((consumed / sheetSize) * totalBytes)) };
      }
    }
    scanner.end();
    const rows: SheetRow[] = rowsParser.rows;
    rowsParser.rows = [];
    if (rows.length > 0) yield { rows, bytesRead: totalBytes };
  } catch (e) {
    throw damaged(path, e);
  } finally {
    zip.close();
  }
}
