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


/** Bytes of one block of the output file, filled before it is written. */
const BLOCK_BYTES = 1 << 20;

/** The bytes of `"` and LF, around and after a plain line. */
const QUOTE = 0x22;
const LF = 0x0a;

/** U+FFFD in UTF-8: what Buffer#write makes of a lone surrogate. */
const UTF8_REPLACEMENT = Buffer.from([0xef, 0xbf, 0xbd]);

async function writeChunk(out: WriteStream, buf: Buffer, written?: () => void): Promise<void> {
  if (!out.write(buf, written)) {
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
  if (typeof row === 'string') row = row.split('";"');
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
 * A row for {@link writeClosedLoopBatches}: its values, or a {@link PlainLine} of them from a
 * caller that knows no value needs escaping.
 */
export type ClosedLoopRow = readonly string[] | PlainLine;

/**
 * The values of a row none of which holds a `"` or a CR, joined with `";"`: its line without the
 * outer quotes and the line end, which the writer puts into the file's bytes itself (a line
 * string with them cost a concatenation and its flattening per row: 12 % of the writing).
 */
export type PlainLine = string;

/** The {@link PlainLine} of values none of which needs escaping (the caller knows). */
export function plainLine(values: readonly string[]): PlainLine {
  return values.join('";"');
}

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
  // Up to 4 blocks queued for the disk while the next is filled.
  const out = createWriteStream(tmp, { flags: 'w', highWaterMark: 4 * BLOCK_BYTES });
  const opened = new Promise<void>((resolve, reject) => {
    out.once('open', () => resolve());
    out.once('error', reject);
  });
  let count = 0;
  let bytes = 0;
  // UTF-8: each line is encoded straight into the current block (no string of the whole chunk, no
  // buffer per chunk: building a 64K-character rope, flattening it and a fresh 192 KB buffer for each
  // chunk cost prepare more than the encoding itself). A full block goes to the disk, a new one is
  // taken (the stream owns the old one until written). Single-byte charsets: a batch's text at once.
  // Blocks the disk is done with are filled again: fresh ones would be freed only by a full
  // garbage collection, and RSS grew by a block per megabyte written until one came.
  const spare: Buffer[] = [];
  let block: Buffer = Buffer.allocUnsafe(BLOCK_BYTES);
  let used = 0;
  const emit = async (): Promise<void> => {
    if (used === 0) return;
    const full = block;
    const n = used;
    block = spare.pop() ?? Buffer.allocUnsafe(BLOCK_BYTES);
    used = 0;
    bytes += n;
    await writeChunk(out, full.subarray(0, n), full.length === BLOCK_BYTES ? () => spare.push(full) : undefined);
  };
  /** Fails for the first row of `rows` that `encoding` cannot hold; `first` is its row number in the file. */
  const refuseUnencodable = (text: string, rows: readonly ClosedLoopRow[], first: number): void => {
    if (findUnencodable(text, encoding) === undefined) return;
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r];
      if (findUnencodable(typeof row === 'string' ? row : formatClosedLoopLine(row), encoding) !== undefined) throw unencodableError(row, first + r, encoding);
    }
  };
  const lineOf = (row: ClosedLoopRow): string => {
    if (typeof row === 'string') return '"' + row + '"\n';
    if (row.length !== opts.fieldCount) {
      throw new AppError(
        'VALIDATION_FAILED',
        'error.recipients.write.fieldCount',
        { row: count + 1, fields: row.length, expected: opts.fieldCount },
        { row: count + 1, fields: row.length, expected: opts.fieldCount },
      );
    }
    return formatClosedLoopLine(row);
  };
  /**
   * UTF-8: Buffer#write turns a lone surrogate into U+FFFD (EF BF BD), so only bytes holding that
   * sequence need the character scan of rows `batch[r0..r1)` (written to `block[from..used)`).
   */
  const checkUtf8 = (batch: readonly ClosedLoopRow[], from: number, r0: number, r1: number): void => {
    if (used === from || block.subarray(from, used).indexOf(UTF8_REPLACEMENT) === -1) return;
    const rows = batch.slice(r0, r1);
    refuseUnencodable(rows.map(lineOf).join(''), rows, count - (r1 - r0) + 1);
  };
  try {
    await opened;
    for await (const batch of batches as AsyncIterable<readonly ClosedLoopRow[]>) {
      if (encoding !== 'utf-8') {
        // iconv-lite would write `?` silently: the scan comes first.
        let text = '';
        for (const row of batch) {
          text += lineOf(row);
          count++;
        }
        if (text === '') continue;
        refuseUnencodable(text, batch, count - batch.length + 1);
        const buf = encodeClosedLoopText(text, encoding);
        if (used + buf.length > block.length) await emit();
        if (buf.length > block.length) {
          bytes += buf.length;
          await writeChunk(out, buf);
        } else {
          used += buf.copy(block, used);
        }
        continue;
      }
      let from = used;
      let r0 = 0;
      for (let k = 0; k < batch.length; k++) {
        const row = batch[k];
        const plain = typeof row === 'string';
        const text = plain ? row : lineOf(row);
        // At most 3 bytes a character, and a plain line's quotes and line end.
        const room = 3 * text.length + 3;
        if (used + room > block.length) {
          // The block is full: its lines are checked before it goes out.
          checkUtf8(batch, from, r0, k);
          await emit();
          if (room > block.length) block = Buffer.allocUnsafe(room);
          from = 0;
          r0 = k;
        }
        if (plain) {
          block[used++] = QUOTE;
          used += block.write(text, used, 'utf8');
          block[used++] = QUOTE;
          block[used++] = LF;
        } else {
          used += block.write(text, used, 'utf8');
        }
        count++;
      }
      checkUtf8(batch, from, r0, batch.length);
    }
    await emit();
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

const two = (n: number): string => String(n).padStart(2, '0');

/** Formatters by time zone: building one loads the zone and locale data (20–150 ms). */
const STAMP_FORMATS = new Map<string, Intl.DateTimeFormat>();

/**
 * `YYYYMMDDHHMMSS` of a moment in one IANA zone (empty = the workstation's). UTC and the
 * workstation's zone come from Date's own fields, the same as Intl gives (closed-loop-writer.test.ts
 * compares them): the first Intl.DateTimeFormat of a process cost prepare up to a tenth of its time.
 */
function stampParts(date: Date, timeZone: string): string {
  if (timeZone === 'UTC') {
    return `${date.getUTCFullYear()}${two(date.getUTCMonth() + 1)}${two(date.getUTCDate())}${two(date.getUTCHours())}${two(date.getUTCMinutes())}${two(date.getUTCSeconds())}`;
  }
  if (timeZone === '') {
    return `${date.getFullYear()}${two(date.getMonth() + 1)}${two(date.getDate())}${two(date.getHours())}${two(date.getMinutes())}${two(date.getSeconds())}`;
  }
  let fmt = STAMP_FORMATS.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    STAMP_FORMATS.set(timeZone, fmt);
  }
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
