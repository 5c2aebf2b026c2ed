import { z } from 'zod';
import { ExcludedRow, FieldMapping, FixCode, FlagCode, FlaggedValue, ProblemCode, SourceMailingMismatch, TidiedValue } from './recipients';
import { CatalogText } from './catalog-text';
import type { ErrorCode } from './error-codes';
import { SendState } from './sends';

/*
 * The `details` of every error code, as schemas: a client (the renderer, the CLI, another
 * language) can build its own message from `code` + `details`, and the translation catalog
 * will. Objects are strict so a new field has to be named here before a service can send it;
 * an error without details is always allowed (most have none).
 */

/** A list in details; readonly, so services can pass the arrays they keep. */
const list = <T extends z.ZodType>(item: T) => z.array(item).readonly();

/** For codes that carry no details. */
const None = z.strictObject({});

/** A file or directory on this workstation or on the server. */
const PathOnly = z.strictObject({ path: z.string() });

/**
 * Where an SFTP failure happened and whether trying again could help. `op` is the remote
 * operation (`upload`, `list`, …); `transient` true means a retry may succeed.
 */
const RemoteFailure = z.strictObject({
  host: z.string().optional(),
  port: z.number().optional(),
  username: z.string().optional(),
  op: z.string().optional(),
  path: z.string().optional(),
  /** The directory a refused upload was meant for. */
  dir: z.string().optional(),
  /** The library's or server's own words, or an error code. */
  cause: z.string().optional(),
  transient: z.boolean().optional(),
  /** The server only said "Failure" to a write: most likely a full disk or quota. */
  likelyCause: z.literal('disk-full').optional(),
  /** The time limit that ran out, in milliseconds. */
  ms: z.number().optional(),
});

/**
 * A zod issue as the operator sees it: the field's path and what is wrong with it (`message`,
 * English; `text`, the same as a catalog key and values, for the reader's language).
 */
const Issue = z.strictObject({ path: list(z.string()), message: z.string(), text: CatalogText.optional() });

/**
 * The report so far when a check found no row to send (every row excluded, or none in the
 * file): the check screen shows it like any report.
 */
const NoValidRows = z.strictObject({
  /** Data rows read: `valid + excludedCount + excludedByOperator`. */
  rows: z.number(),
  valid: z.number(),
  excluded: list(ExcludedRow),
  excludedCount: z.number(),
  excludedByOperator: z.number(),
  emptyRows: z.number(),
  /** Counts over the validated rows, by problem, fix and flag code. */
  summary: z.strictObject({
    rows: z.number(),
    valid: z.number(),
    excluded: z.number(),
    problems: z.partialRecord(ProblemCode, z.number()),
    fixes: z.partialRecord(FixCode, z.number()),
    flags: z.partialRecord(FlagCode, z.number()),
  }),
  tidied: list(TidiedValue.extend({ message: z.string() })),
  flagged: list(FlaggedValue),
  sourceMailingMismatch: SourceMailingMismatch.optional(),
  mapping: list(FieldMapping),
  headers: list(z.string()),
  waveId: z.string(),
  format: z.enum(['csv', 'xlsx']),
  sourceEncoding: z.string().optional(),
  delimiter: z.string().optional(),
  sheet: z.string().optional(),
  rejectedFile: z.string().optional(),
  /** No file was written. */
  files: z.strictObject({}),
  durationMs: z.number(),
});

/** The details schema of each error code. */
export const ERROR_DETAILS = {
  INVALID_INPUT: z.union([
    /** A payload that failed its schema, field by field. */
    z.strictObject({ issues: list(Issue) }),
    /** A grid column that the view does not have (with the ones it has), or a bad filter on it. */
    z.strictObject({ colId: z.string(), allowed: list(z.string()).optional() }),
    /** An inline correction for a line or field the file does not have. */
    z.strictObject({ line: z.number(), field: z.string() }),
    /** Excluded lines that are not in the file. */
    z.strictObject({ lines: list(z.number()) }),
    /** A client setting that cannot be used as it is. */
    z.strictObject({ setting: z.string(), pattern: z.string() }),
    /** A remote file name that is not a plain name. */
    z.strictObject({ name: z.string() }),
    PathOnly,
    /** Where a data key was read from (environment variable or keyring). */
    z.strictObject({ where: z.string() }),
    /** A team database URL that cannot be used (shown without any password). */
    z.strictObject({ url: z.string() }),
  ]),
  UNKNOWN_CHANNEL: None,
  FORBIDDEN: None,
  NOT_FOUND: z.union([
    RemoteFailure,
    /** A local file, or a sheet of a workbook (with the sheets it has). */
    z.strictObject({ path: z.string(), sheets: list(z.string()).optional() }),
    /** A source mailing the client does not have. */
    z.strictObject({ profile: z.string(), client: z.string(), sourceMailingId: z.string() }),
  ]),
  ALREADY_EXISTS: None,
  CONFLICT: z.union([
    /** A remote path that exists but is not a directory. */
    PathOnly,
    /** The send already in flight on the same source mailing. */
    z.strictObject({ sendId: z.string(), state: SendState }),
    /** The team's send in flight on the same source mailing (from another workstation, possibly gone meanwhile). */
    z.strictObject({ sendId: z.string().nullable(), state: SendState.nullable(), workstation: z.string().nullable() }),
    /** No free upload file name in the team's reservations. */
    z.strictObject({ uploadDir: z.string() }),
    /** A shared profile another member changed or removed (the team's version, and who made it). */
    z.strictObject({ profile: z.string(), teamVersion: z.number(), by: z.string(), removed: z.boolean() }),
  ]),
  AUTH_FAILED: z.strictObject({ host: z.string(), port: z.number(), username: z.string(), cause: z.string() }),
  HOST_KEY_UNKNOWN: z.strictObject({ fingerprint: z.string(), keyType: z.string() }),
  HOST_KEY_CHANGED: z.strictObject({ fingerprint: z.string(), keyType: z.string(), trusted: list(z.string()) }),
  CONNECTION_FAILED: RemoteFailure,
  TIMEOUT: RemoteFailure,
  REMOTE_ERROR: z.union([
    RemoteFailure,
    /** A status file of the server (log or error file) that could not be read. */
    z.strictObject({ path: z.string(), statusFile: z.string() }),
  ]),
  PERMISSION_DENIED: z.union([
    RemoteFailure,
    /** A local file that could not be written, with the system's error code. */
    z.strictObject({ code: z.string() }),
  ]),
  TARGET_EXISTS: PathOnly,
  TRANSFER_FAILED: z.strictObject({
    ...RemoteFailure.shape,
    /** Whether the `.part` file was removed from the server. */
    partRemoved: z.boolean().optional(),
    /** `unknown`: the connection was lost while publishing; the file may be on the server. */
    published: z.literal('unknown').optional(),
    /** Sizes of a download that came short: the server's and what arrived. */
    expected: z.number().optional(),
    got: z.number().nullable().optional(),
  }),
  DATA_DIR_IN_USE: z.strictObject({ pid: z.number(), dataDir: z.string() }),
  SECRET_UNAVAILABLE: z.union([
    /** The environment variable that would hold the secret. */
    z.strictObject({ env: z.string() }),
    /** An encrypted file that cannot be opened without its key. */
    PathOnly,
    /** The login whose password or passphrase is missing. */
    z.strictObject({ host: z.string(), port: z.number(), username: z.string() }),
    z.strictObject({ profile: z.string() }),
  ]),
  UNSUPPORTED_FILE: z.strictObject({
    /** The file (absent when a stream has no name). */
    path: z.string().optional(),
    /** A workbook part that is damaged or too big. */
    part: z.string().optional(),
    compressedSize: z.number().optional(),
    /** A CSV record (1-based) that never ends. */
    record: z.number().optional(),
    /** An archive format version this Loopdesk cannot read. */
    version: z.number().optional(),
    cause: z.string().optional(),
    /** What is damaged inside a workbook part (the xlsx reader's own words, e.g. a row numbered 0). */
    reason: z.string().optional(),
  }),
  VALIDATION_FAILED: z.union([
    /** A character the target encoding cannot carry (`field` 1-based), or a row that cannot be written in it. */
    z.strictObject({ row: z.number(), field: z.number().optional(), character: z.string().optional(), encoding: z.string() }),
    /** A row with the wrong number of fields. */
    z.strictObject({ row: z.number(), fields: z.number(), expected: z.number() }),
    /** Required fields no column is mapped to, with the file's headers. */
    z.strictObject({ fields: list(z.string()), headers: list(z.string()) }),
    /** A catalog without a product ID column: its headers. */
    z.strictObject({ headers: list(z.string()) }),
    /** Product IDs the recipients use but the catalog lacks. */
    z.strictObject({ missingIds: list(z.string()) }),
    /** A response file's header: wrong column count, a missing or doubled column. */
    z.strictObject({ line: z.literal(1), columns: z.number().optional(), expected: z.number().optional(), missing: list(z.string()).optional(), header: list(z.string()).optional() }),
    /** A response file record the database refused, with the reason and the record as read. */
    z.strictObject({ line: z.number().nullable(), originalLine: z.string().nullable(), reason: z.string() }),
    NoValidRows,
  ]),
  SOURCE_MAILING_MISMATCH: SourceMailingMismatch,
  /** Why the team database cannot be used: new sends wait, everything local goes on. */
  TEAM_UNAVAILABLE: z.union([
    z.strictObject({ reason: z.enum(['unreachable', 'auth', 'not-initialised']) }),
    z.strictObject({ reason: z.literal('refused'), sqlState: z.string() }),
    z.strictObject({ reason: z.literal('migration'), version: z.number() }),
    z.strictObject({ reason: z.literal('schema-outdated'), version: z.number(), latest: z.number() }),
    z.strictObject({ reason: z.literal('lease-lost'), sendId: z.string() }),
  ]),
  NOT_IMPLEMENTED: z.strictObject({ env: z.string() }),
  INTERNAL: z.union([
    /** A system error code (out of memory, …). */
    z.strictObject({ code: z.string() }),
    /** The underlying error's message. */
    z.strictObject({ cause: z.string() }),
  ]),
} as const satisfies Record<ErrorCode, z.ZodType>;

/** The details an error of code `C` may carry. */
export type ErrorDetails<C extends ErrorCode> = z.output<(typeof ERROR_DETAILS)[C]>;

/**
 * Where an error's details break its code's schema, as `path: message` lines; empty when they
 * fit (or when there are none). The dispatcher reports a mismatch as a bug; tests assert on it.
 */
export function errorDetailsProblems(error: { readonly code: string; readonly details?: unknown }): string[] {
  if (error.details === undefined) return [];
  const schema = (ERROR_DETAILS as Record<string, z.ZodType | undefined>)[error.code];
  if (!schema) return [`unknown error code ${error.code}`];
  const parsed = schema.safeParse(error.details);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(details)'}: ${i.message}`);
}
