import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import iconv from 'iconv-lite';
import { ResponseDialect } from '../../../shared/contract/profiles';
import type { CatalogText } from '../../../shared/contract/catalog-text';
import { AppError } from '../../../shared/contract/result';
import type { Database } from '../store/database';
import { bumpGridDataVersion } from './grid-query';
import { RESPONSE_KINDS, isResponseKind, type ResponseKind, type ResponseKindName } from './response-kinds';
import { asValidationError, columnLayout, csvOptionsOf, readFirstRecord, specColumns, clip } from './response-file-shape';

export { columnLayout, parseHeaderLine, specColumns } from './response-file-shape';
export { deleteOlderThan, naiveTimestamp, type RetentionResult } from './response-retention';

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
  /** The last rejection (kept also when an earlier good version's rows stay in place), in English. */
  readonly error: string | null;
  /** The same rejection as its catalog key and values, for the reader's language; null for rows stored before the key was kept. */
  readonly errorText: CatalogText | null;
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
 * Unchanged files (same SHA-256) are skipped, recording only their new size and time; a changed file replaces its earlier rows.
 * Delete, insert and ledger update are one transaction, and DuckDB's CSV reader runs in
 * strict mode, so a malformed or truncated file is rejected whole (`VALIDATION_FAILED`,
 * naming the CSV record) and the data from an earlier version stays as it was.
 */
export async function ingestFile(db: Database, input: IngestFileInput): Promise<IngestFileResult> {
  if (!isResponseKind(input.kind)) {
    throw new AppError('INVALID_INPUT', 'error.responses.unknownKind', { kind: String(input.kind), known: Object.keys(RESPONSE_KINDS).join(', ') });
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
    // The server wrote the same bytes again: record the version's size and time, so the next
    // pull (which compares the listing with these) skips it without downloading. Rows stay. A note
    // of a broken version rejected in between goes too: the server has the content read in again.
    await db.run('UPDATE response_files SET size = $1, mtime = $2::TIMESTAMPTZ, error = NULL, error_at = NULL, error_message_id = NULL, error_message_values = NULL WHERE id = $3', [
      input.size,
      input.mtime.toISOString(),
      existing.id,
    ]);
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
      throw new AppError('VALIDATION_FAILED', 'error.responses.unexpectedHeader', { file: input.remoteName, header: clip(firstLine.join(', '), 200) }, { line: 1, header: firstLine });
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
             row_count = $8, ingested_at = now(), status = 'ingested', error = NULL, error_at = NULL,
             error_message_id = NULL, error_message_values = NULL WHERE id = $9`,
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
    await recordRejection(db, input, kind, sha256, existing, error);
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
    errorText: storedText(r.error_message_id, r.error_message_values),
    errorAt: (r.error_at as Date | null) ?? null,
  }));
}

async function recordRejection(
  db: Database,
  input: IngestFileInput,
  kind: ResponseKind,
  sha256: string,
  existing: LedgerRow | undefined,
  error: AppError,
): Promise<void> {
  // The English text for logs and older clients; the key and values so each window says it in its language.
  const id = error.messageId ?? null;
  const values = id ? JSON.stringify(error.values ?? {}) : null;
  if (existing) {
    // The earlier good version's rows stay; only the rejection note changes.
    await db.run('UPDATE response_files SET error = $1, error_at = now(), error_message_id = $2, error_message_values = $3 WHERE id = $4', [error.message, id, values, existing.id]);
    return;
  }
  await db.run(
    `INSERT INTO response_files (profile, client, name, kind, size, mtime, sha256, row_count, ingested_at, status, error, error_at, error_message_id, error_message_values)
     VALUES ($1, $2, $3, $4, $5, $6::TIMESTAMPTZ, $7, 0, now(), 'rejected', $8, now(), $9, $10)`,
    [input.profile, input.client, input.remoteName, kind.kind, input.size, input.mtime.toISOString(), sha256, error.message, id, values],
  );
}

/** A stored catalog key and its JSON values as a {@link CatalogText}; null without a key (or with values that no longer read). */
function storedText(id: unknown, values: unknown): CatalogText | null {
  if (typeof id !== 'string' || id === '') return null;
  try {
    const parsed: unknown = JSON.parse(typeof values === 'string' ? values : '{}');
    const clean: Record<string, string | number> = {};
    if (parsed && typeof parsed === 'object') for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string' || typeof v === 'number') clean[k] = v;
    return { id, values: clean };
  } catch {
    // Unreadable values: the English text, which was stored beside them, is shown instead.
    return null;
  }
}

/** The file's SHA-256: the ledger knows a file it has seen by name and content. */
async function sha256File(path: string): Promise<string> {
  await stat(path).catch((e: NodeJS.ErrnoException) => {
    throw new AppError('NOT_FOUND', 'error.responses.cannotRead', { path, reason: e.code ?? e.message });
  });
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
