import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, rm, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import iconv from 'iconv-lite';
import { ResponseDialect } from '../../../shared/contract/profiles';
import { AppError } from '../../../shared/contract/result';
import { duckdbTimestampFormat } from '../../../shared/contract/timestamp-format';
import type { Database } from '../store/database';
import { bumpGridDataVersion } from './grid-query';
import { RESPONSE_KINDS, isResponseKind, type ResponseKind, type ResponseKindName } from './response-kinds';

/** What the caller knows about a downloaded response file. */
export interface IngestFileInput {
  /** Connection profile the file came from. */
  readonly profile: string;
  /** Client (directory) within the profile. */
  readonly client: string;
  readonly kind: ResponseKindName;
  /** The downloaded copy on this machine. */
  readonly localPath: string;
  /** The file's name on the server; with profile and client it identifies the file. */
  readonly remoteName: string;
  /** Remote size in bytes (recorded; the local copy is what gets read). */
  readonly size: number;
  /** Remote modification time. */
  readonly mtime: Date;
  /** How the client's server writes its response files; the spec's dialect when absent. */
  readonly dialect?: ResponseDialect;
}

/** The outcome of {@link ingestFile}. */
export interface IngestFileResult {
  /** `ingested`: first time; `replaced`: a changed file replaced its rows; `skipped`: unchanged. */
  readonly outcome: 'ingested' | 'replaced' | 'skipped';
  /** Ledger id; every row of the file carries it as `source_file`. */
  readonly fileId: string;
  /** Rows the file holds now (for `skipped`, the count from the earlier ingest). */
  readonly rows: number;
  readonly sha256: string;
}

/** One ledger entry, as the UI shows it. */
export interface ResponseFileEntry {
  readonly id: string;
  readonly profile: string;
  readonly client: string;
  readonly name: string;
  readonly kind: string;
  readonly size: number;
  readonly mtime: Date;
  readonly sha256: string;
  readonly rows: number;
  readonly ingestedAt: Date;
  /** `ingested`: the tables hold this file's rows; `rejected`: never ingested successfully. */
  readonly status: 'ingested' | 'rejected';
  /** The last rejection (kept also when an earlier good version's rows stay in place). */
  readonly error: string | null;
  readonly errorAt: Date | null;
}

interface LedgerRow {
  id: bigint;
  kind: string;
  sha256: string;
  row_count: bigint;
  status: string;
}

/**
 * Ingests one response file into its table, recording it in the file ledger.
 *
 * Unchanged files (same SHA-256) are skipped; a changed file replaces its earlier rows.
 * Delete, insert and ledger update are one transaction, and DuckDB's CSV reader runs in
 * strict mode, so a malformed or truncated file is rejected whole (`VALIDATION_FAILED`,
 * naming the CSV record) and the data from an earlier version stays as it was.
 */
export async function ingestFile(db: Database, input: IngestFileInput): Promise<IngestFileResult> {
  if (!isResponseKind(input.kind)) {
    throw new AppError('INVALID_INPUT', `Unknown response file kind "${String(input.kind)}". Use one of: ${Object.keys(RESPONSE_KINDS).join(', ')}.`);
  }
  const kind = RESPONSE_KINDS[input.kind];
  const dialect = input.dialect ?? ResponseDialect.parse({});
  const sha256 = await sha256File(input.localPath);

  const existing = (
    await db.all<LedgerRow>('SELECT id, kind, sha256, row_count, status FROM response_files WHERE profile = $1 AND client = $2 AND name = $3', [
      input.profile,
      input.client,
      input.remoteName,
    ])
  )[0];
  if (existing && existing.status === 'ingested' && existing.sha256 === sha256) {
    return { outcome: 'skipped', fileId: String(existing.id), rows: Number(existing.row_count), sha256 };
  }

  // DuckDB reads UTF-8 (and Latin-1) only; any other encoding is turned into a UTF-8 copy beside
  // the download, removed again below, so the reader and its error messages see one encoding.
  const readPath = dialect.encoding === 'utf-8' ? input.localPath : `${input.localPath}.utf8`;
  let header: string[] = [];
  try {
    if (readPath !== input.localPath) await pipeline(createReadStream(input.localPath), iconv.decodeStream(dialect.encoding), iconv.encodeStream('utf8'), createWriteStream(readPath));
    const firstLine = await readFirstRecord(readPath, dialect.delimiter, !dialect.header);
    if (!dialect.header && firstLine.length > 0 && firstLine.every((f) => kind.columns.some((c) => c.header === f))) {
      throw new AppError(
        'VALIDATION_FAILED',
        `${input.remoteName} starts with a header row (${clip(firstLine.join(', '), 200)}), but the client's response files are set to have none. Set "First line" to "Column names" in the client's response file settings.`,
        { line: 1, header: firstLine },
      );
    }
    // Without a header row the columns are the spec's, in its order (response-kinds.ts).
    header = dialect.header ? firstLine : specColumns(kind, firstLine.length || kind.columns.length, input.remoteName);
    const layout = columnLayout(kind, header, input.remoteName);
    const csvOptions = csvOptionsOf(dialect);
    const result = await db.transaction(async (tx) => {
      let fileId: bigint;
      if (existing) {
        fileId = existing.id;
        const oldKind = isResponseKind(existing.kind) ? RESPONSE_KINDS[existing.kind] : kind;
        await tx.run(`DELETE FROM ${oldKind.table} WHERE source_file = $1`, [fileId]);
      } else {
        fileId = (await tx.all<{ id: bigint }>("SELECT nextval('response_files_seq') AS id"))[0]!.id;
      }
      const inserted = await tx.all<{ Count: bigint }>(
        `INSERT INTO ${kind.table} (${layout.targetColumns.join(', ')}, source_file)
         SELECT ${layout.selectList.join(', ')}, $2::BIGINT FROM read_csv($1, ${csvOptions}, columns = ${layout.columnsStruct}) ${layout.orderBy}`,
        [readPath, fileId],
      );
      const rows = Number(inserted[0]?.Count ?? 0);
      const params = [input.profile, input.client, input.remoteName, kind.kind, input.size, input.mtime.toISOString(), sha256, rows, fileId];
      if (existing) {
        await tx.run(
          `UPDATE response_files SET profile = $1, client = $2, name = $3, kind = $4, size = $5, mtime = $6::TIMESTAMPTZ, sha256 = $7,
             row_count = $8, ingested_at = now(), status = 'ingested', error = NULL, error_at = NULL WHERE id = $9`,
          params,
        );
      } else {
        await tx.run(
          `INSERT INTO response_files (profile, client, name, kind, size, mtime, sha256, row_count, ingested_at, status, id)
           VALUES ($1, $2, $3, $4, $5, $6::TIMESTAMPTZ, $7, $8, now(), 'ingested', $9)`,
          params,
        );
      }
      return { outcome: existing?.status === 'ingested' ? 'replaced' : 'ingested', fileId: String(fileId), rows, sha256 } as const;
    });
    bumpGridDataVersion(db);
    return result;
  } catch (e) {
    const error = e instanceof AppError ? e : asValidationError(e, input.remoteName, header, dialect.header);
    await recordRejection(db, input, kind, sha256, existing, error.message);
    throw error;
  } finally {
    if (readPath !== input.localPath) await rm(readPath, { force: true });
  }
}

/** The ledger, newest first. */
export async function listResponseFiles(db: Database, filter: { readonly profile?: string; readonly client?: string } = {}): Promise<ResponseFileEntry[]> {
  const rows = await db.all<Record<string, unknown>>(
    `SELECT * FROM response_files WHERE ($1::VARCHAR IS NULL OR profile = $1) AND ($2::VARCHAR IS NULL OR client = $2) ORDER BY ingested_at DESC, id DESC`,
    [filter.profile ?? null, filter.client ?? null],
  );
  return rows.map((r) => ({
    id: String(r.id),
    profile: String(r.profile),
    client: String(r.client),
    name: String(r.name),
    kind: String(r.kind),
    size: Number(r.size),
    mtime: r.mtime as Date,
    sha256: String(r.sha256),
    rows: Number(r.row_count),
    ingestedAt: r.ingested_at as Date,
    status: r.status === 'ingested' ? 'ingested' : 'rejected',
    error: (r.error as string | null) ?? null,
    errorAt: (r.error_at as Date | null) ?? null,
  }));
}

/** How many rows each retention call removed, per table. */
export type RetentionResult = Readonly<Record<string, number>>;

/**
 * Deletes response rows older than `before` (retention is explicit: by default Loopdesk
 * keeps everything). Links have no time of their own and go with their mailing.
 * The ledger stays, so a file still on the server is not ingested again.
 */
export async function deleteOlderThan(db: Database, before: Date): Promise<RetentionResult> {
  const cutoff = naiveTimestamp(before);
  const result = await db.transaction(async (tx) => {
    const counts: Record<string, number> = {};
    const goneMailings = `SELECT id FROM mailings WHERE started < $1::TIMESTAMP`;
    counts.links = Number((await tx.all<{ Count: bigint }>(`DELETE FROM links WHERE mailing_id IN (${goneMailings})`, [cutoff]))[0]?.Count ?? 0);
    for (const kind of Object.values(RESPONSE_KINDS)) {
      if (!kind.timeColumn) continue;
      const res = await tx.all<{ Count: bigint }>(`DELETE FROM ${kind.table} WHERE ${kind.timeColumn} < $1::TIMESTAMP`, [cutoff]);
      counts[kind.table] = Number(res[0]?.Count ?? 0);
    }
    return counts;
  });
  bumpGridDataVersion(db);
  return result;
}

/** `YYYY-MM-DD HH:MM:SS` of a Date read as local wall time (response times are naive). */
export function naiveTimestamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/**
 * DuckDB's reader options for a dialect (read from a UTF-8 copy). Strict: a malformed row fails
 * the whole statement instead of being skipped or padded. Every value put into the SQL text comes
 * from the contract's enums or the checked timestamp tokens, never from a file.
 */
function csvOptionsOf(dialect: ResponseDialect): string {
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
      `${fileName}: line 1 has ${count} columns, but a ${kind.kind} file has at most ${kind.columns.length} (${kind.columns.map((c) => c.header).join(', ')}). Check the delimiter and the "header row" setting of the client's response files.`,
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
    if (seen.has(h)) throw new AppError('VALIDATION_FAILED', `${fileName}: the header names column "${clip(h, 100)}" twice. Ask the server side to check the export.`, { line: 1 });
    seen.set(h, i);
  });
  const missing = kind.columns.filter((c) => c.required && !seen.has(c.header)).map((c) => c.header);
  if (missing.length > 0) {
    throw new AppError(
      'VALIDATION_FAILED',
      `${fileName}: line 1 (header) lacks the column(s) ${missing.map((m) => `"${m}"`).join(', ')} of a ${kind.kind} file. Check the file kind and the export configuration, and the client's response file settings (delimiter; "First line" when the server writes no header row).`,
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
async function readFirstRecord(path: string, delimiter: string, emptyOk: boolean): Promise<string[]> {
  const handle = await open(path, 'r').catch((e: NodeJS.ErrnoException) => {
    throw new AppError('NOT_FOUND', `Cannot read the downloaded response file ${path}: ${e.code ?? e.message}. Download it again.`);
  });
  try {
    const buf = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    const text = buf.subarray(0, bytesRead).toString('utf8');
    if (text.trim() === '') {
      if (emptyOk) return [];
      throw new AppError('VALIDATION_FAILED', `${path} is empty: a response file needs at least its header row. Download it again or ask the server side.`, { line: 1 });
    }
    return parseHeaderLine(text, delimiter);
  } finally {
    await handle.close();
  }
}

async function sha256File(path: string): Promise<string> {
  await stat(path).catch((e: NodeJS.ErrnoException) => {
    throw new AppError('NOT_FOUND', `Cannot read the downloaded response file ${path}: ${e.code ?? e.message}. Download it again.`);
  });
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Shortens text taken from a file to `max` characters, saying how long it was. */
function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}

/** Turns DuckDB's CSV error into an operator message naming the record. */
function asValidationError(e: unknown, fileName: string, header: readonly string[], hasHeader: boolean): AppError {
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
    return new AppError('INTERNAL', `Ingesting ${fileName} failed: ${clip(lines[0] ?? '', 300)}`, { cause: clip(message, 4000) });
  }
  const where = line ? `record ${line[1]}${hasHeader ? ' (the header is record 1)' : ''}` : 'the file';
  return new AppError(
    'VALIDATION_FAILED',
    `${fileName} was rejected at ${where}: ${reason} Nothing from this file was stored and earlier data is unchanged; download the file again (it may be truncated) or ask the server side to fix the export.`,
    { line: line ? Number(line[1]) : null, originalLine: original ? clip(original[1]!, 1000) : null, reason },
  );
}

async function recordRejection(
  db: Database,
  input: IngestFileInput,
  kind: ResponseKind,
  sha256: string,
  existing: LedgerRow | undefined,
  message: string,
): Promise<void> {
  if (existing) {
    // The earlier good version's rows stay; only the rejection note changes.
    await db.run('UPDATE response_files SET error = $1, error_at = now() WHERE id = $2', [message, existing.id]);
    return;
  }
  await db.run(
    `INSERT INTO response_files (profile, client, name, kind, size, mtime, sha256, row_count, ingested_at, status, error, error_at)
     VALUES ($1, $2, $3, $4, $5, $6::TIMESTAMPTZ, $7, 0, now(), 'rejected', $8, now())`,
    [input.profile, input.client, input.remoteName, kind.kind, input.size, input.mtime.toISOString(), sha256, message],
  );
}
