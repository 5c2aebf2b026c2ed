import type { Delimiter } from './delimiter';
import type { TextEncoding } from './encoding';

/** Progress of a streamed read, for a progress bar: bytes of the file and data rows so far. */
export interface ReadProgress {
  readonly bytesRead: number;
  readonly totalBytes: number;
  readonly rows: number;
}

/** Called as a file is read; called often, so keep it cheap. */
export type ProgressCallback = (p: ReadProgress) => void;

/** One data row with its row number as the operator sees it (Excel row / CSV record, 1-based). */
export interface SheetRow {
  readonly line: number;
  readonly values: readonly string[];
  /**
   * For a CSV record without quotes: its range in the file's decoded text (character offsets from
   * the first character after the BOM, line break excluded), so the worker thread can cut the same
   * values from its copy of the text (see parallel-subscribers.ts). Absent for other records and
   * for .xlsx rows.
   */
  readonly start?: number;
  readonly end?: number;
}

/** Overrides for reading; anything not given is detected. */
export interface OpenOptions {
  /** Encoding of a CSV/TXT file (e.g. `windows-1252`); detected when absent. */
  readonly encoding?: string;
  /** Separator of a CSV/TXT file; detected among `;` `,` tab `|` when absent. */
  readonly delimiter?: string;
  /** Worksheet name of an .xlsx file; the first sheet (workbook order) when absent. */
  readonly sheet?: string;
  /** Progress while reading the header and, later, the rows. */
  readonly onProgress?: ProgressCallback;
}

/** Counters a reader keeps while rows are iterated. */
export interface ReadStats {
  /** Data rows yielded so far (empty rows excluded). */
  rows: number;
  /** Empty rows skipped so far (including those before the header). */
  emptyRows: number;
  /** Bytes of the file consumed so far. */
  bytesRead: number;
}

/** An opened recipient or catalog file: detected dialect, header and a restartable row stream. */
export interface Spreadsheet {
  readonly path: string;
  readonly format: 'csv' | 'xlsx';
  /** Encoding used to decode a CSV (undefined for xlsx). */
  readonly encoding?: TextEncoding;
  /** Bytes of byte-order mark skipped before the text of a CSV (undefined for xlsx). */
  readonly bomLength?: number;
  /** How the encoding was found, so the UI can say "detected" or "chosen". */
  readonly encodingSource?: string;
  /** Separator used for a CSV (undefined for xlsx). */
  readonly delimiter?: Delimiter | string;
  /** Worksheet names in workbook order (empty for CSV). */
  readonly sheets: readonly string[];
  /** Worksheet being read (xlsx only). */
  readonly sheet?: string;
  /** Header row: first non-empty row, trimmed; blank headers become `Column N`. */
  readonly headers: readonly string[];
  /** Row number of the header row. */
  readonly headerLine: number;
  /** File size in bytes. */
  readonly totalBytes: number;
  /** Counters of the most recent iteration. */
  readonly stats: ReadStats;
  /** Data rows after the header, empty rows skipped; each call starts from the top again. */
  rows(onProgress?: ProgressCallback): AsyncIterable<SheetRow>;
  /**
   * Same rows in batches, cheaper per row for the big pipelines. A CSV row split on the fast path
   * has its range in the file's decoded text (see SheetRow), which the parallel prepare's worker
   * cuts from its own reading of the file.
   */
  batches(onProgress?: ProgressCallback): AsyncIterable<readonly SheetRow[]>;
  /** Releases the file if rows were never iterated to the end. */
  close(): Promise<void>;
}

/** One decoded piece of a text file and how many bytes of the file are consumed with it. */
export interface TextChunk {
  readonly text: string;
  readonly bytesRead: number;
}

/** A low-level source of raw rows in batches; used by the format-independent part of the reader. */
export interface RawBatch {
  readonly rows: readonly SheetRow[];
  readonly bytesRead: number;
}
