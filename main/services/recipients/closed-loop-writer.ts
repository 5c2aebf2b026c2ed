import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { AppError } from '../../../shared/contract/result';
import { describeChar, encodeClosedLoopText, findUnencodable, type ClosedLoopEncoding } from './closed-loop-encoding';
import { formatClosedLoopLine } from '../csv-line';

export { formatClosedLoopLine };

// Moved to closed-loop-encoding.ts (shared with the readers); re-exported for existing imports.
export { describeChar, findUnencodable, type ClosedLoopEncoding } from './closed-loop-encoding';

/** Options of {@link writeClosedLoopFile}. */
export interface WriteOptions {
  /** Target encoding; UTF-8 is written without BOM. */
  readonly encoding?: ClosedLoopEncoding;
  /** Every row must have exactly this many fields (the spec: constant number of separators). */
  readonly fieldCount: number;
}

/** What was written. */
export interface WriteResult {
  readonly path: string;
  readonly rows: number;
  readonly bytes: number;
}


/** U+FFFD in UTF-8: what Buffer#write makes of a lone surrogate. */
const UTF8_REPLACEMENT = Buffer.from([0xef, 0xbf, 0xbd]);

async function writeChunk(out: WriteStream, buf: Buffer): Promise<void> {
  if (!out.write(buf)) {
    await new Promise<void>((resolve, reject) => {
      const onDrain = (): void => {
        out.off('error', onError);
        resolve();
      };
      const onError = (e: Error): void => {
        out.off('drain', onDrain);
        reject(e);
      };
      out.once('drain', onDrain);
      out.once('error', onError);
    });
  }
}

function unencodableError(row: ClosedLoopRow, rowNumber: number, encoding: ClosedLoopEncoding): AppError {
  // A formatted line: its values between the quotes.
  if (typeof row === 'string') row = row.slice(1, -2).split('";"');
  for (let f = 0; f < row.length; f++) {
    const c = findUnencodable(row[f] ?? '', encoding);
    if (c !== undefined) {
      return new AppError(
        'VALIDATION_FAILED',
        'error.recipients.write.unencodableField',
        { row: rowNumber, field: f + 1, char: describeChar(c), encoding: encoding.toUpperCase() },
        { row: rowNumber, field: f + 1, character: c, encoding },
      );
    }
  }
  return new AppError('VALIDATION_FAILED', 'error.recipients.write.unencodable', { row: rowNumber, encoding: encoding.toUpperCase() }, { row: rowNumber, encoding });
}

/**
 * Writes rows as a closed-loop recipient or products file (interpretation.md, "Recipient file"):
 * no header, `;`, all fields quoted, LF, constant field count, UTF-8 without BOM or a Latin charset.
 * Streams to `<out>.tmp` and renames at the end, so a crash never leaves a partial file under the
 * final name. Throws AppError('VALIDATION_FAILED') for a wrong field count or an unencodable value
 * (the partial temp file is removed).
 */
export async function writeClosedLoopFile(
  rows: AsyncIterable<readonly string[]> | Iterable<readonly string[]>,
  outPath: string,
  opts: WriteOptions,
): Promise<WriteResult> {
  async function* batched(): AsyncGenerator<readonly (readonly string[])[]> {
    let batch: (readonly string[])[] = [];
    for await (const row of rows as AsyncIterable<readonly string[]>) {
      batch.push(row);
      if (batch.length >= 1024) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  }
  return writeClosedLoopBatches(batched(), outPath, opts);
}

/**
 * A row for {@link writeClosedLoopBatches}: its values, or the line {@link formatClosedLoopLine}
 * would make of them, already formatted by a caller that knows no value needs escaping.
 */
export type ClosedLoopRow = readonly string[] | string;

/**
 * Same as {@link writeClosedLoopFile} but takes rows in batches, which saves one await per row
 * in the million-row pipeline.
 */
export async function writeClosedLoopBatches(
  batches: AsyncIterable<readonly ClosedLoopRow[]> | Iterable<readonly ClosedLoopRow[]>,
  outPath: string,
  opts: WriteOptions,
): Promise<WriteResult> {
  const encoding = opts.encoding ?? 'utf-8';
  const tmp = `${outPath}.tmp`;
  const out = createWriteStream(tmp, { flags: 'w', highWaterMark: 1 << 20 });
  const opened = new Promise<void>((resolve, reject) => {
    out.once('open', () => resolve());
    out.once('error', reject);
  });
  let count = 0;
  let bytes = 0;
  // The current chunk: appended line by line (V8 keeps it as a rope and flattens it once, when it
  // is encoded; measured faster than collecting the lines and joining them).
  let text = '';
  // Rows of the current chunk, so an encoding error can name its row and field.
  let chunkRows: ClosedLoopRow[] = [];
  const flush = async (): Promise<void> => {
    if (text === '') return;
    const chunk = text;
    text = '';
    // UTF-8: encode first; Buffer#write turns a lone surrogate into U+FFFD (EF BF BD), so only a
    // chunk holding those bytes needs the character scan (which cost 0.15 s per 100 MB written).
    // Single-byte charsets: iconv-lite would write `?` silently, so the scan comes first.
    let buf = encoding === 'utf-8' ? encodeClosedLoopText(chunk, encoding) : undefined;
    if ((buf === undefined || buf.indexOf(UTF8_REPLACEMENT) !== -1) && findUnencodable(chunk, encoding) !== undefined) {
      const first = count - chunkRows.length + 1;
      for (let r = 0; r < chunkRows.length; r++) {
        const row = chunkRows[r];
        if (findUnencodable(typeof row === 'string' ? row : formatClosedLoopLine(row), encoding) !== undefined) throw unencodableError(row, first + r, encoding);
      }
    }
    chunkRows = [];
    buf ??= encodeClosedLoopText(chunk, encoding);
    bytes += buf.length;
    await writeChunk(out, buf);
  };
  try {
    await opened;
    for await (const batch of batches as AsyncIterable<readonly ClosedLoopRow[]>) {
      for (const row of batch) {
        if (typeof row === 'string') {
          count++;
          text += row;
          chunkRows.push(row);
          continue;
        }
        if (row.length !== opts.fieldCount) {
          throw new AppError(
            'VALIDATION_FAILED',
            'error.recipients.write.fieldCount',
            { row: count + 1, fields: row.length, expected: opts.fieldCount },
            { row: count + 1, fields: row.length, expected: opts.fieldCount },
          );
        }
        count++;
        text += formatClosedLoopLine(row);
        chunkRows.push(row);
      }
      if (text.length >= 64 * 1024) await flush();
    }
    await flush();
    await new Promise<void>((resolve, reject) => {
      out.once('error', reject);
      out.end(() => resolve());
    });
    await rename(tmp, outPath);
  } catch (e) {
    out.destroy();
    await rm(tmp, { force: true });
    throw e;
  }
  return { path: outPath, rows: count, bytes };
}

/** Parts of a wall-clock time in one IANA zone. */
function stampParts(date: Date, timeZone: string): string {
  const fmt = new Intl.DateTimeFormat('en-GB', {
    timeZone: timeZone === '' ? undefined : timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  });
  const p: Record<string, string> = {};
  for (const part of fmt.formatToParts(date)) p[part.type] = part.value;
  return `${p.year}${p.month}${p.day}${p.hour}${p.minute}${p.second}`;
}

/**
 * `YYYYMMDDHHMMSS_<kind>.csv` for a moment in a time zone (empty = the workstation's).
 * When `taken(name)` says the name exists, moves on to the next free second (interpretation.md).
 * Throws AppError('INVALID_INPUT') for an unknown time zone.
 */
export function closedLoopFileName(
  date: Date,
  timeZone: string,
  kind: 'subscribers' | 'products',
  taken?: (name: string) => boolean,
): string {
  let t = Math.floor(date.getTime() / 1000) * 1000;
  for (let i = 0; i < 100000; i++) {
    let stamp: string;
    try {
      stamp = stampParts(new Date(t), timeZone);
    } catch {
      throw new AppError('INVALID_INPUT', 'error.recipients.write.timeZone', { timeZone });
    }
    const name = `${stamp}_${kind}.csv`;
    if (!taken || !taken(name)) return name;
    t += 1000;
  }
  throw new AppError('CONFLICT', 'error.recipients.write.noFreeName', { seconds: 100000 });
}
