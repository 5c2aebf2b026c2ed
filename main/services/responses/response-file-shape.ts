import { open } from 'node:fs/promises';
import type { ResponseDialect } from '../../../shared/contract/profiles';
import { AppError } from '../../../shared/contract/result';
import { duckdbTimestampFormat } from '../../../shared/contract/timestamp-format';
import type { ResponseKind } from './response-kinds';

// The shape of a response file as DuckDB reads it: its first record, the columns it maps onto,
// the reader's options, and DuckDB's CSV errors put in the operator's terms.

/**
 * DuckDB's reader options for a dialect (read from a UTF-8 copy). Strict: a malformed row fails
 * the whole statement instead of being skipped or padded. Every value put into the SQL text comes
 * from the contract's enums or the checked timestamp tokens, never from a file.
 */
export function csvOptionsOf(dialect: ResponseDialect): string {
  const timestampFormat = duckdbTimestampFormat(dialect.timestampFormat).replace(/'/g, "''");
  return `delim = '${dialect.delimiter}', quote = '"', escape = '"', header = ${dialect.header}, auto_detect = false, strict_mode = true,
  ignore_errors = false, null_padding = false, timestampformat = '${timestampFormat}', encoding = 'utf-8'`;
}

/**
 * The spec's columns of a kind for a file without a header row, in the spec's order: as many as
 * the first record has (trailing optional columns may be left off), never more than the spec names.
 */
export function specColumns(kind: ResponseKind, count: number, fileName: string): string[] {
  if (count > kind.columns.length) {
    throw new AppError(
      'VALIDATION_FAILED',
      'error.responses.tooManyColumns',
      { file: fileName, count, kind: kind.kind, max: kind.columns.length, columns: kind.columns.map((c) => c.header).join(', ') },
      { line: 1, columns: count, expected: kind.columns.length },
    );
  }
  return kind.columns.slice(0, count).map((c) => c.header);
}

interface ColumnLayout {
  readonly targetColumns: readonly string[];
  readonly selectList: readonly string[];
  readonly columnsStruct: string;
  /** Rows are stored in time order: daily files then make the tables nearly time-sorted,
   * which keeps the rows of one grid block (sorted by time) close together on disk. */
  readonly orderBy: string;
}

/**
 * Maps the file's header (any order) onto the kind's columns. The `columns` struct names
 * are ours (`c0`, `c1`, …), never the file's header text, so nothing from the file is
 * interpolated into SQL.
 */
export function columnLayout(kind: ResponseKind, header: readonly string[], fileName: string): ColumnLayout {
  const seen = new Map<string, number>();
  header.forEach((h, i) => {
    if (seen.has(h)) throw new AppError('VALIDATION_FAILED', 'error.responses.headerTwice', { file: fileName, column: clip(h, 100) }, { line: 1 });
    seen.set(h, i);
  });
  const missing = kind.columns.filter((c) => c.required && !seen.has(c.header)).map((c) => c.header);
  if (missing.length > 0) {
    throw new AppError(
      'VALIDATION_FAILED',
      'error.responses.missingColumns',
      { file: fileName, count: missing.length, missing: missing.map((m) => `"${m}"`).join(', '), kind: kind.kind },
      { line: 1, missing, header },
    );
  }
  const byHeader = new Map(kind.columns.map((c) => [c.header, c]));
  const struct = header.map((h, i) => `'c${i}': '${byHeader.get(h)?.type ?? 'VARCHAR'}'`).join(', ');
  const targetColumns: string[] = [];
  const selectList: string[] = [];
  for (const c of kind.columns) {
    const i = seen.get(c.header);
    if (i === undefined) continue;
    targetColumns.push(c.column);
    selectList.push(`c${i}`);
  }
  const timeIndex = kind.timeColumn ? seen.get(kind.columns.find((c) => c.column === kind.timeColumn)!.header) : undefined;
  return { targetColumns, selectList, columnsStruct: `{${struct}}`, orderBy: timeIndex === undefined ? '' : `ORDER BY c${timeIndex}` };
}

/** Parses the first record of a `"`-quoted file (the header row) with the given delimiter. */
export function parseHeaderLine(text: string, delimiter = ';'): string[] {
  const fields: string[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let field = '';
  let quoted = false;
  for (; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) {
      fields.push(field);
      field = '';
    } else if (ch === '\n') break;
    else if (ch !== '\r') field += ch;
  }
  fields.push(field);
  return fields.map((f) => f.trim());
}

/** The first record's fields; an empty file is an error unless `emptyOk` (no header row: a quiet day). */
export async function readFirstRecord(path: string, delimiter: string, emptyOk: boolean): Promise<string[]> {
  const handle = await open(path, 'r').catch((e: NodeJS.ErrnoException) => {
    throw new AppError('NOT_FOUND', 'error.responses.cannotRead', { path, reason: e.code ?? e.message });
  });
  try {
    const buf = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    const text = buf.subarray(0, bytesRead).toString('utf8');
    if (text.trim() === '') {
      if (emptyOk) return [];
      throw new AppError('VALIDATION_FAILED', 'error.responses.emptyFile', { path }, { line: 1 });
    }
    return parseHeaderLine(text, delimiter);
  } finally {
    await handle.close();
  }
}

/** Shortens text taken from a file to `max` characters, saying how long it was. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}

/** Turns DuckDB's CSV error into an operator message naming the record. */
export function asValidationError(e: unknown, fileName: string, header: readonly string[], hasHeader: boolean): AppError {
  // The reader's columns are named c0, c1, … (see columnLayout); name them as the file does.
  const message = (e instanceof Error ? e.message : String(e)).replace(/column "c(\d+)"/g, (m, i: string) =>
    header[Number(i)] !== undefined ? `column "${header[Number(i)]}"` : m,
  );
  const line = /CSV Error on Line: (\d+)/.exec(message);
  const original = /Original Line: ([^\n]*)/.exec(message);
  const lines = message.split('\n').map((l) => l.trim());
  // DuckDB quotes the offending value and line verbatim; a hostile file can make those megabytes
  // long, and the message is shown to the operator and stored in the ledger (found by test/fuzz).
  const reason = clip(
    lines.find((l) => /^(Error when converting|Value with unterminated quote|Expected Number of Columns|Invalid unicode)/i.test(l)) ??
      lines.find((l) => l.length > 0 && !/^(Conversion Error|Invalid Input Error)/.test(l)) ??
      lines[0] ??
      '',
    300,
  );
  if (!line && !/Conversion Error|Invalid Input Error|CSV/i.test(message)) {
    // Not a data problem (disk full, bug): keep it an exception with context.
    return new AppError('INTERNAL', 'error.responses.ingestFailed', { file: fileName, reason: clip(lines[0] ?? '', 300) }, { cause: clip(message, 4000) });
  }
  const where = line ? (hasHeader ? 'header' : 'record') : 'file';
  return new AppError(
    'VALIDATION_FAILED',
    'error.responses.rejectedAt',
    { file: fileName, where, record: line ? line[1]! : '', reason },
    { line: line ? Number(line[1]) : null, originalLine: original ? clip(original[1]!, 1000) : null, reason },
  );
}
