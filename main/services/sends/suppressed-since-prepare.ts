import { createReadStream, createWriteStream } from 'node:fs';
import { appendFile, mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../../../shared/contract/result';
import { formatClosedLoopLine } from '../csv-line';
import { decodeClosedLoopText, type ClosedLoopEncoding } from '../recipients/closed-loop-encoding';

/**
 * The last check before a real send leaves: addresses put on the suppression list after the send
 * was prepared (an unsubscribe, a hard bounce, another workstation's entry) are found in the
 * prepared recipient file, and the file is written again without them.
 *
 * The file is read as bytes (Latin-1 maps every byte to one character and back), so a row that
 * stays is written back byte for byte, whatever the client's encoding; only the values looked up
 * are decoded in the encoding the file was written in. The file has no header: the address is
 * the client's e-mail field, by position, in a record as wide as the client's field list. Only
 * when the field list changed since the file was prepared (another width, or no e-mail field) is
 * every value with an `@` looked up instead.
 */

/** A suppression-list lookup by address (the list's reason, or undefined). */
export type SuppressedLookup = (email: string) => string | undefined;

/** Where the address is in the prepared file's records: the client's field list now. */
export interface EmailPosition {
  /** The e-mail field's index in the client's fields; -1 when it has none. */
  readonly emailIndex: number;
  /** How many fields the client has. */
  readonly fieldCount: number;
}

/** A row of the prepared file whose address is suppressed now. */
export interface SuppressedRow {
  /** 0-based record number in the prepared file. */
  readonly index: number;
  /** The row's values, decoded. */
  readonly values: readonly string[];
  readonly email: string;
  /** The suppression list's reason. */
  readonly reason: string;
}

/** What the check found. */
export interface SuppressionCheck {
  /** Records in the prepared file. */
  readonly rows: number;
  readonly suppressed: readonly SuppressedRow[];
}

const CHUNK_BYTES = 1 << 20;

/** One record of the prepared file: its values (as Latin-1 text of the file's bytes) and its whole text, line break included. */
interface RawRecord {
  readonly values: string[];
  readonly text: string;
}

/**
 * The complete records in `buf` from the start, in our own dialect (formatClosedLoopLine: every
 * value quoted, inner quotes doubled, `;` between, LF at the end; a kept line break sits inside
 * quotes). Returns where the first incomplete record starts.
 */
function splitRecords(buf: string, onRecord: (r: RawRecord) => void, path: string): number {
  let pos = 0;
  for (;;) {
    if (pos >= buf.length) return pos;
    const start = pos;
    if (buf.charCodeAt(pos) === 10) {
      // An empty line: not a record Loopdesk writes; skipped, and not written back.
      pos++;
      continue;
    }
    const values: string[] = [];
    let at = pos;
    for (;;) {
      if (buf.charCodeAt(at) !== 34) throw unreadable(path);
      let i = at + 1;
      let doubled = false;
      let close: number;
      for (;;) {
        close = buf.indexOf('"', i);
        if (close === -1 || close + 1 >= buf.length) return start; // the record goes on in the next chunk
        if (buf.charCodeAt(close + 1) !== 34) break;
        doubled = true;
        i = close + 2;
      }
      const raw = buf.slice(at + 1, close);
      values.push(doubled ? raw.replaceAll('""', '"') : raw);
      const next = buf.charCodeAt(close + 1);
      if (next === 59) {
        at = close + 2;
        continue;
      }
      if (next !== 10) throw unreadable(path);
      pos = close + 2;
      break;
    }
    onRecord({ values, text: buf.slice(start, pos) });
  }
}

function unreadable(path: string): AppError {
  return new AppError('UNSUPPORTED_FILE', 'error.sends.preparedFileUnreadable', { path }, { path });
}

/** The prepared file's records, read once from disk in 1 MB pieces. */
async function eachRecord(path: string, onRecord: (r: RawRecord, index: number) => void): Promise<number> {
  let index = 0;
  for await (const records of recordBatches(path)) for (const r of records) onRecord(r, index++);
  return index;
}

/** The prepared file's complete records, a 1 MB piece's worth at a time; refuses a file that ends inside a record. */
async function* recordBatches(path: string): AsyncGenerator<RawRecord[]> {
  let rest = '';
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_BYTES })) {
    const buf = rest + (chunk as Buffer).toString('latin1');
    const records: RawRecord[] = [];
    rest = buf.slice(splitRecords(buf, (r) => records.push(r), path));
    yield records;
  }
  if (rest !== '') throw unreadable(path);
}

/** A value as the client's encoding reads it (ASCII, almost every address, is the same in all three). */
function decoded(value: string, encoding: ClosedLoopEncoding): string {
  // eslint-disable-next-line no-control-regex -- the ASCII range starts at \x00 on purpose
  return /^[\x00-\x7f]*$/.test(value) ? value : decodeClosedLoopText(Buffer.from(value, 'latin1'), encoding);
}

/**
 * Reads the prepared recipient file once and looks every address in it up. Cheap when nothing
 * is found (the usual case): one read, nothing written.
 */
export async function findSuppressed(path: string, encoding: ClosedLoopEncoding, lookup: SuppressedLookup, fields: EmailPosition): Promise<SuppressionCheck> {
  const suppressed: SuppressedRow[] = [];
  const known = fields.emailIndex >= 0;
  const rows = await eachRecord(path, (r, index) => {
    const byPosition = known && r.values.length === fields.fieldCount;
    for (let i = byPosition ? fields.emailIndex : 0; i < r.values.length; i++) {
      const v = r.values[i];
      if (!byPosition && !v.includes('@')) continue;
      const email = decoded(v, encoding);
      const reason = lookup(email);
      if (reason === undefined) {
        if (byPosition) break;
        continue;
      }
      suppressed.push({ index, values: r.values.map((x) => decoded(x, encoding)), email, reason });
      break;
    }
  });
  return { rows, suppressed };
}

/**
 * Writes the prepared file without the given records to `target` (a name beside it that the
 * runner renames over it): the rows that stay, byte for byte. Returns how many stayed.
 */
export async function writeWithout(path: string, leaveOut: ReadonlySet<number>, target: string): Promise<number> {
  let kept = 0;
  async function* bytes(): AsyncGenerator<Buffer> {
    let index = 0;
    for await (const records of recordBatches(path)) {
      let out = '';
      for (const r of records) {
        if (leaveOut.has(index++)) continue;
        out += r.text;
        kept++;
      }
      if (out !== '') yield Buffer.from(out, 'latin1');
    }
  }
  await pipeline(Readable.from(bytes()), createWriteStream(target));
  return kept;
}

/**
 * Adds the left-out rows to a send's rejected-rows file (UTF-8 with BOM and `;`, as the check
 * step's rejected file), creating it with its header row when it does not exist yet.
 */
export async function appendRejectedRows(file: string, fieldNames: readonly string[], rows: readonly SuppressedRow[], reasonOf: (row: SuppressedRow) => string): Promise<void> {
  const exists = await stat(file).then(
    () => true,
    () => false,
  );
  if (!exists) await mkdir(dirname(file), { recursive: true });
  const width = rows.reduce((w, r) => Math.max(w, r.values.length), fieldNames.length);
  const header = exists ? '' : '\uFEFF' + formatClosedLoopLine(['reasons', ...Array.from({ length: width }, (_, i) => fieldNames[i] ?? `field ${i + 1}`)]);
  await appendFile(file, header + rows.map((r) => formatClosedLoopLine([reasonOf(r), ...r.values])).join(''), 'utf8');
}
