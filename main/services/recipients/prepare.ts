import { mkdir, rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import type { LineBreakPolicy, MasterField } from '../../../shared/contract/profiles';
import type { SourceMailingMismatch } from '../../../shared/contract/recipients';
import { AppError } from '../../../shared/contract/result';
import type { ErrorMessageId, MessageValues } from '../../../shared/i18n/messages';
import { writeClosedLoopBatches, type ClosedLoopEncoding } from './closed-loop-writer';
import { compileMapping, isSourceMailingField, newWaveId, type FieldMapping } from './mapping';
import { ParallelSubscribersWriter, worthAWorker } from './parallel-subscribers';
import { chooseFileNames, type PreparedFileNames } from './prepare-file-names';
import { mappingForFile } from './prepare-mapping';
import { prepareProductsFile, type PreparedProducts, type PrepareProductsInput } from './prepare-products';
import { productReferenceFields } from './products';
import { RecipientRowPass } from './recipient-row-pass';
import { compileEdits, type CompiledEdits, type RowEdits } from './row-edits';
import { SourceMailingCheck, sourceMailingMismatchError } from './source-mailing-check';
import { openSpreadsheet } from './spreadsheet';
import type { OpenOptions, ProgressCallback, Spreadsheet } from './types';
import { compileValidator, EmailSeenSet, type ExcludedRow, type RowFix, type RowFlag, type ValidationSummary } from './validate';
import type { Locale } from '../../../shared/i18n/locale';

export type { PrepareProductsInput, PreparedProducts } from './prepare-products';
export { LINES_PER_PRODUCT } from './recipient-row-pass';
export type { RowEdits, ValueOverride } from './row-edits';

/** Everything `loopdesk prepare` (and the Sending screen) hands over. */
export interface PrepareInput {
  /** Recipient file (.xlsx, .csv, .txt). */
  readonly input: string;
  /** The client's master-list fields, in upload order. */
  readonly fields: readonly MasterField[];
  /** A confirmed mapping; suggested from the headers when absent. */
  readonly mapping?: readonly FieldMapping[];
  /** The source mailing whose ID fills `broadmail_ID`. */
  readonly sourceMailingId: string;
  /** Wave ID for this send; a new one is generated when absent. */
  readonly waveId?: string;
  /** Where the closed-loop files are written. */
  readonly outDir: string;
  /** The language of the reasons in the rejected-rows file (the asking window's); English by default. */
  readonly language?: Locale;
  /** Target encoding of the files. */
  readonly encoding: ClosedLoopEncoding;
  /** The client's `lineBreaks` setting for CR/LF inside values (default `space`, as the contract's). */
  readonly lineBreaks?: LineBreakPolicy;
  /**
   * Rows whose broadmail_ID names another source mailing: `refuse` (default) throws
   * SOURCE_MAILING_MISMATCH and leaves no file; `report` (the check step) returns them in the report.
   */
  readonly sourceMailingMismatch?: 'refuse' | 'report';
  /** IANA zone of the file-name timestamp; empty = the workstation's. */
  readonly timeZone: string;
  /** Name pattern of the products file (`{stamp}` = the recipient file's stamp); default `{stamp}_products.csv`. */
  readonly productsFileName?: string;
  /** Suppression-list lookup by lower-cased address. */
  readonly suppressed?: (email: string) => string | undefined;
  /** Product catalog, when the client sends recommendations. */
  readonly products?: PrepareProductsInput;
  /** Reader overrides (encoding, separator, sheet). */
  readonly open?: OpenOptions;
  /** Progress of reading the recipient file. */
  readonly onProgress?: ProgressCallback;
  /** Moment used for the file names (tests pin it). */
  readonly now?: Date;
  /** Extra "name taken" check, e.g. names already on the server; local files are always checked. */
  readonly taken?: (name: string) => boolean;
  /** Inline corrections and operator exclusions from an earlier validation. */
  readonly edits?: RowEdits;
  /**
   * Write the subscribers file in a second thread while this one validates (CSV only; the output
   * is the same byte for byte). Default: for CSV files of at least 20 MB on two cores or more
   * (see worthAWorker).
   */
  readonly parallel?: boolean;
}

/** What `prepare` did, for the operator and the send journal. */
export interface PrepareReport {
  /** Data rows read (empty rows not included): `valid + excludedCount + excludedByOperator`. */
  readonly rows: number;
  readonly valid: number;
  /** Rows with problems (the first 1000; all of them are in the rejected file). */
  readonly excluded: readonly ExcludedRow[];
  /** Rows with problems; operator exclusions are not among them. */
  readonly excludedCount: number;
  /** Rows left out because the operator excluded their line (not validated, not in the rejected file). */
  readonly excludedByOperator: number;
  readonly emptyRows: number;
  /** Counts over the validated rows (operator exclusions not included). */
  readonly summary: ValidationSummary;
  /** The first values tidied automatically, before and after (all are counted in `summary.fixes`). */
  readonly tidied: readonly RowFix[];
  /** The first risky values of the rows sent (all are counted in `summary.flags`). */
  readonly flagged: readonly RowFlag[];
  /** Rows naming another source mailing (only with `sourceMailingMismatch: 'report'`). */
  readonly sourceMailingMismatch?: SourceMailingMismatch;
  readonly mapping: readonly FieldMapping[];
  /** The file's header row, the key under which the mapping is remembered. */
  readonly headers: readonly string[];
  readonly waveId: string;
  readonly format: 'csv' | 'xlsx';
  readonly sourceEncoding?: string;
  readonly delimiter?: string;
  readonly sheet?: string;
  readonly files: { readonly subscribers: string; readonly products?: string };
  /** Excluded rows with a reason column, for the operator to fix in Excel (UTF-8 with BOM, `;`). */
  readonly rejectedFile?: string;
  /** Product rows written, excluded and product IDs the recipients reference but the catalog lacks. */
  readonly products?: PreparedProducts;
  readonly durationMs: number;
}

const BIGINT_ID = /^\d{1,19}$/;

/** Refuses a source mailing ID that is not a signed 64-bit whole number. */
function checkSourceMailingId(id: string): void {
  if (!BIGINT_ID.test(id) || BigInt(id) > 9223372036854775807n) {
    throw new AppError('INVALID_INPUT', 'error.recipients.sourceMailingId', { id });
  }
}

/** The send's wave ID (a new one when none is given), refused unless a whole number. */
function waveIdFor(opts: PrepareInput): string {
  const waveId = opts.waveId ?? newWaveId(opts.now);
  if (!BIGINT_ID.test(waveId)) throw new AppError('INVALID_INPUT', 'error.recipients.waveId', { waveId });
  return waveId;
}

/** A second thread that writes the subscribers file while this one validates, when it pays (CSV only). */
function startWorker(opts: PrepareInput, sheet: Spreadsheet, mapping: FieldMapping[], waveId: string, outPath: string): ParallelSubscribersWriter | undefined {
  const parallel = sheet.format === 'csv' && (opts.parallel ?? worthAWorker(sheet.totalBytes, availableParallelism()));
  if (!parallel) return undefined;
  return new ParallelSubscribersWriter({
    path: opts.input,
    encoding: sheet.encoding!,
    bomLength: sheet.bomLength!,
    delimiter: sheet.delimiter!,
    mapping,
    ctx: { sourceMailingId: opts.sourceMailingId, waveId },
    outPath,
    writeEncoding: opts.encoding,
    fieldCount: opts.fields.length,
  });
}

/** True when no fixed value the mapping writes holds a character the writer must escape. */
function plainConstants(mapping: readonly FieldMapping[], sourceMailingId: string, waveId: string): boolean {
  const fixed = mapping.map((m) => (m.source.kind === 'constant' ? m.source.value : m.source.kind === 'sourceMailing' ? sourceMailingId : m.source.kind === 'generatedWave' ? waveId : ''));
  return fixed.every((v) => !/["\r\n]/.test(v));
}

/** The row pass of this file: mapping, validator, edits, the broadmail_ID check and the product fields. */
function rowPassFor(opts: PrepareInput, sheet: Spreadsheet, mapping: FieldMapping[], waveId: string, edits: CompiledEdits, worker: ParallelSubscribersWriter | undefined, rejectedPath: string): RecipientRowPass {
  const check = compileValidator(opts.fields, {
    encoding: opts.encoding,
    suppressed: opts.suppressed,
    // Sized for ~100 bytes per row up front: growing a million-entry table step by step rehashes it.
    seenEmails: new EmailSeenSet(Math.min(sheet.totalBytes / 100, 1 << 24)),
    // Only UTF-16 text can carry lone surrogates; decoded UTF-8, Latin and xlsx text cannot.
    checkSurrogates: sheet.encoding?.startsWith('utf-16') ?? false,
    lineBreaks: opts.lineBreaks ?? 'space',
  });
  const mailingField = opts.fields.findIndex((f) => isSourceMailingField(f.name));
  const productFieldNames = opts.products ? (opts.products.referenceFields ?? productReferenceFields(opts.fields)) : [];
  return new RecipientRowPass({
    apply: compileMapping(mapping, { sourceMailingId: opts.sourceMailingId, waveId }),
    check,
    edits,
    // Only a broadmail_ID read from the file can name another mailing.
    mailingCheck: mailingField >= 0 && mapping[mailingField].source.kind !== 'sourceMailing' ? new SourceMailingCheck(opts.sourceMailingId, mailingField) : undefined,
    productFields: productFieldNames.map((n) => opts.fields.findIndex((f) => f.name === n)).filter((i) => i >= 0),
    worker,
    rejectedPath,
    headers: sheet.headers,
    plainConstants: plainConstants(mapping, opts.sourceMailingId, waveId),
    language: opts.language,
  });
}

/** Drives the pass over the whole file and writes the valid rows; returns how many were written. */
async function writeSubscribers(pass: RecipientRowPass, sheet: Spreadsheet, worker: ParallelSubscribersWriter | undefined, opts: PrepareInput, outPath: string): Promise<{ readonly rows: number }> {
  const rows = pass.validRows(sheet.batches());
  if (!worker) return writeClosedLoopBatches(rows, outPath, { encoding: opts.encoding, fieldCount: opts.fields.length });
  // Nothing is yielded in parallel mode; the loop only drives validation.
  for await (const _ of rows) void _;
  return worker.finish();
}

/** Refuses a file whose rows name another source mailing (unless the check step asked for a report), leaving no file behind. */
async function refuseMismatch(pass: RecipientRowPass, opts: PrepareInput, names: PreparedFileNames, rejectedFile: string | undefined): Promise<SourceMailingMismatch | undefined> {
  const mismatch = pass.sourceMailingMismatch();
  if (!mismatch || opts.sourceMailingMismatch === 'report') return mismatch;
  // Refused as a whole: no file with two source mailings is left behind.
  await rm(names.subscribersPath, { force: true });
  if (rejectedFile) await rm(rejectedFile, { force: true });
  throw sourceMailingMismatchError(mismatch);
}

/** Why nothing can be sent: no rows, every row excluded by the operator, or every row invalid (catalog key and values). */
function nothingToSend(rows: number, validated: number, rejectedFile: string | undefined): { id: ErrorMessageId; values: MessageValues } {
  if (rows === 0) return { id: 'error.recipients.nothingToSend.noRows', values: {} };
  if (validated === 0) return { id: 'error.recipients.nothingToSend.allExcluded', values: { count: rows } };
  return rejectedFile
    ? { id: 'error.recipients.nothingToSend.allInvalid', values: { count: validated, file: rejectedFile } }
    : { id: 'error.recipients.nothingToSend.allInvalidNoFile', values: { count: validated } };
}

/**
 * The whole preparation of a send, streamed end to end: read the recipient file, map its columns to
 * the master list, validate, write valid rows as `YYYYMMDDHHMMSS_subscribers.csv` and excluded rows
 * (with reasons) as `YYYYMMDDHHMMSS_rejected.csv`; with a catalog also the products file under the
 * same timestamp. Throws AppError('VALIDATION_FAILED') when a required field has no source or no row
 * is valid (details carry the report so far).
 */
export async function prepare(opts: PrepareInput): Promise<PrepareReport> {
  const started = Date.now();
  checkSourceMailingId(opts.sourceMailingId);
  const edits = compileEdits(opts.edits, opts.fields);
  const waveId = waveIdFor(opts);
  await mkdir(opts.outDir, { recursive: true });

  const sheet = await openSpreadsheet(opts.input, { ...opts.open, onProgress: opts.onProgress });
  let pass: RecipientRowPass | undefined;
  let worker: ParallelSubscribersWriter | undefined;
  try {
    const mapping = mappingForFile(opts.fields, opts.mapping, sheet.headers);
    const names = chooseFileNames({ outDir: opts.outDir, now: opts.now ?? new Date(), timeZone: opts.timeZone, productsFileName: opts.productsFileName, taken: opts.taken });
    worker = startWorker(opts, sheet, mapping, waveId, names.subscribersPath);
    pass = rowPassFor(opts, sheet, mapping, waveId, edits, worker, names.rejectedPath);
    const written = await writeSubscribers(pass, sheet, worker, opts, names.subscribersPath);
    worker = undefined;
    const rejectedFile = await pass.closeRejected();
    const mismatch = await refuseMismatch(pass, opts, names, rejectedFile);

    const { summary } = pass;
    const base = {
      rows: summary.rows + pass.excludedByOperator,
      valid: summary.valid,
      excluded: pass.excluded,
      excludedCount: summary.excluded,
      excludedByOperator: pass.excludedByOperator,
      emptyRows: sheet.stats.emptyRows,
      summary,
      tidied: pass.tidied,
      flagged: pass.flagged,
      sourceMailingMismatch: mismatch,
      mapping,
      headers: sheet.headers,
      waveId,
      format: sheet.format,
      sourceEncoding: sheet.encoding,
      delimiter: sheet.delimiter,
      sheet: sheet.sheet,
      rejectedFile,
    };
    if (written.rows === 0) {
      await rm(names.subscribersPath, { force: true });
      const why = nothingToSend(base.rows, summary.rows, rejectedFile);
      throw new AppError('VALIDATION_FAILED', why.id, why.values, { ...base, files: {}, durationMs: Date.now() - started });
    }

    const products = opts.products
      ? await prepareProductsFile(opts.products, names.productsPath, pass.referenced, { encoding: opts.encoding, lineBreaks: opts.lineBreaks ?? 'space' })
      : undefined;
    return {
      ...base,
      files: products ? { subscribers: names.subscribersPath, products: names.productsPath } : { subscribers: names.subscribersPath },
      products,
      durationMs: Date.now() - started,
    };
  } catch (e) {
    if (worker) await worker.abort();
    await pass?.discardRejected();
    throw e;
  } finally {
    await sheet.close();
  }
}
