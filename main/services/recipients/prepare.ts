import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { productsFileNameFor, productsFileNameProblem } from '../../../shared/contract/products-file-name';
import { DEFAULT_PRODUCTS_FILE_NAME, type LineBreakPolicy, type MasterField } from '../../../shared/contract/profiles';
import type { RowEdits, SourceMailingMismatch } from '../../../shared/contract/recipients';
import { AppError } from '../../../shared/contract/result';
import { closedLoopFileName, describeChar, findUnencodable, formatClosedLoopLine, writeClosedLoopBatches, type ClosedLoopEncoding } from './closed-loop-writer';
import { compileMapping, isSourceMailingField, newWaveId, rebaseMapping, suggestMapping, type FieldMapping } from './mapping';
import { ParallelSubscribersWriter, worthAWorker } from './parallel-subscribers';
import { missingProductIds, productReferenceFields, readCatalog, writeProductsFile } from './products';
import { SourceMailingCheck, sourceMailingMismatchError } from './source-mailing-check';
import { openSpreadsheet } from './spreadsheet';
import { TextSink } from './text-sink';
import type { OpenOptions, ProgressCallback, SheetRow } from './types';
import {
  addToSummary,
  compileValidator,
  detachString,
  EmailSeenSet,
  emptySummary,
  listedRow,
  type ExcludedRow,
  type RowFix,
  type RowFlag,
  type RowProblem,
  type ValidationSummary,
} from './validate';

/** The product catalog part of a send. */
export interface PrepareProductsInput {
  /** Catalog file (.xlsx or CSV). */
  readonly input: string;
  /** The client's product fields. */
  readonly fields: readonly MasterField[];
  /** A confirmed catalog mapping; suggested when absent. */
  readonly mapping?: readonly FieldMapping[];
  /** Reader overrides for the catalog. */
  readonly open?: OpenOptions;
  /** Recipient fields holding product IDs; fields named `product…` when absent. */
  readonly referenceFields?: readonly string[];
}

export type { RowEdits, ValueOverride } from '../../../shared/contract/recipients';

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
  readonly products?: {
    readonly rows: number;
    readonly excludedCount: number;
    readonly excluded: readonly ExcludedRow[];
    readonly missingIds: readonly string[];
    readonly missingCount: number;
    /** Per missing product ID (same order as `missingIds`): how many sendable rows use it and their file lines (the first {@link LINES_PER_PRODUCT}). */
    readonly missingUses: readonly { readonly id: string; readonly rows: number; readonly lines: readonly number[] }[];
  };
  readonly durationMs: number;
}

const MAX_LISTED = 1000;
/**
 * File lines remembered per referenced product ID, so the operator can leave out the rows of a
 * missing product in one action; the count stays exact beyond it.
 */
export const LINES_PER_PRODUCT = 10_000;
const BIGINT_ID = /^\d{1,19}$/;

/** Puts a mapping into field order, filling unmapped fields with their defaults. */
function orderMapping(fields: readonly MasterField[], given: readonly FieldMapping[], headers: readonly string[]): FieldMapping[] {
  const suggested = suggestMapping([], fields);
  return fields.map((f, i) => {
    const m = given.find((g) => g.field === f.name) ?? suggested[i];
    if (m.source.kind === 'column' && (m.source.column < 0 || m.source.column >= headers.length)) {
      throw new AppError('INVALID_INPUT', `The mapping for ${f.name} points at column ${m.source.column + 1}, but the file has ${headers.length} columns. Map the field again.`);
    }
    return { field: f.name, source: m.source };
  });
}

/** Compiled edits: overrides by line (field index → value) and excluded lines, O(1) per row. */
interface CompiledEdits {
  readonly overrides: ReadonlyMap<number, ReadonlyMap<number, string>>;
  readonly excluded: ReadonlySet<number>;
}

/** Checks the edits against the field list and indexes them by line; unknown fields are INVALID_INPUT. */
function compileEdits(edits: RowEdits | undefined, fields: readonly MasterField[]): CompiledEdits {
  const byName = new Map(fields.map((f, i) => [f.name, i]));
  const overrides = new Map<number, Map<number, string>>();
  for (const o of edits?.overrides ?? []) {
    if (!Number.isSafeInteger(o.line) || o.line < 1) {
      throw new AppError('INVALID_INPUT', `A corrected value names line ${String(o.line)}, which is not a row number. Validate the file again and redo the correction.`, { line: o.line, field: o.field });
    }
    const index = byName.get(o.field);
    if (index === undefined) {
      throw new AppError(
        'INVALID_INPUT',
        `The correction on line ${o.line} is for the field "${o.field}", which is not in this client's master list (${fields.map((f) => f.name).join(', ')}). Validate the file again and redo the correction.`,
        { line: o.line, field: o.field },
      );
    }
    // Typed text can carry a lone surrogate, which no file encoding holds; the row check skips that
    // test for sources that cannot produce one, so catch it here.
    const broken = findUnencodable(o.value, 'utf-8');
    if (broken !== undefined) {
      throw new AppError('INVALID_INPUT', `The corrected ${o.field} on line ${o.line} contains a broken character (${describeChar(broken)}). Type the value again.`, { line: o.line, field: o.field });
    }
    let row = overrides.get(o.line);
    if (!row) overrides.set(o.line, (row = new Map()));
    row.set(index, o.value);
  }
  return { overrides, excluded: new Set(edits?.excludedLines ?? []) };
}

function reasonText(problems: readonly RowProblem[]): string {
  return problems.map((p) => p.message).join('; ');
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
  if (!BIGINT_ID.test(opts.sourceMailingId) || BigInt(opts.sourceMailingId) > 9223372036854775807n) {
    throw new AppError('INVALID_INPUT', `The source mailing ID "${opts.sourceMailingId}" is not a valid mailing ID (digits only, 64-bit). Copy it again from Smart Campaigns.`);
  }
  const edits = compileEdits(opts.edits, opts.fields);
  const waveId = opts.waveId ?? newWaveId(opts.now);
  if (!BIGINT_ID.test(waveId)) throw new AppError('INVALID_INPUT', `The wave ID "${waveId}" must be a whole number.`);
  await mkdir(opts.outDir, { recursive: true });

  const sheet = await openSpreadsheet(opts.input, { ...opts.open, onProgress: opts.onProgress });
  let sinkRejected: TextSink | undefined;
  let worker: ParallelSubscribersWriter | undefined;
  try {
    const mapping = opts.mapping
      ? orderMapping(opts.fields, rebaseMapping(opts.mapping, sheet.headers), sheet.headers)
      : suggestMapping(sheet.headers, opts.fields);
    const unmapped = opts.fields.filter((f, i) => f.required && mapping[i].source.kind === 'none');
    if (unmapped.length > 0) {
      throw new AppError(
        'VALIDATION_FAILED',
        `No column is mapped to the required field${unmapped.length > 1 ? 's' : ''} ${unmapped.map((f) => f.name).join(', ')}. Map ${unmapped.length > 1 ? 'them' : 'it'} and try again.`,
        { fields: unmapped.map((f) => f.name), headers: sheet.headers },
      );
    }

    const now = opts.now ?? new Date();
    const free = (name: string): boolean => !existsSync(join(opts.outDir, name)) && !existsSync(join(opts.outDir, `${name}.tmp`)) && !opts.taken?.(name);
    const productsPattern = opts.productsFileName ?? DEFAULT_PRODUCTS_FILE_NAME;
    const productsProblem = productsFileNameProblem(productsPattern);
    if (productsProblem) throw new AppError('INVALID_INPUT', productsProblem, { setting: 'productsFileName', pattern: productsPattern });
    const subscribersName = closedLoopFileName(now, opts.timeZone, 'subscribers', (name) => {
      const stem = name.slice(0, 14);
      return !free(name) || !free(productsFileNameFor(productsPattern, stem)) || !free(`${stem}_rejected.csv`);
    });
    const stem = subscribersName.slice(0, 14);
    const subscribersPath = join(opts.outDir, subscribersName);
    const rejectedPath = join(opts.outDir, `${stem}_rejected.csv`);

    const apply = compileMapping(mapping, { sourceMailingId: opts.sourceMailingId, waveId });
    const check = compileValidator(opts.fields, {
      encoding: opts.encoding,
      suppressed: opts.suppressed,
      // Sized for ~100 bytes per row up front: growing a million-entry table step by step rehashes it.
      seenEmails: new EmailSeenSet(Math.min(sheet.totalBytes / 100, 1 << 24)),
      // Only UTF-16 text can carry lone surrogates; decoded UTF-8, Latin and xlsx text cannot.
      checkSurrogates: sheet.encoding?.startsWith('utf-16') ?? false,
      lineBreaks: opts.lineBreaks ?? 'space',
    });
    const summary = emptySummary();
    const tidied: RowFix[] = [];
    const flagged: RowFlag[] = [];
    const mailingField = opts.fields.findIndex((f) => isSourceMailingField(f.name));
    const mailingCheck = mailingField >= 0 && mapping[mailingField].source.kind !== 'sourceMailing' ? new SourceMailingCheck(opts.sourceMailingId, mailingField) : undefined;
    const excluded: ExcludedRow[] = [];
    const refFields = opts.products ? (opts.products.referenceFields ?? productReferenceFields(opts.fields)) : [];
    const refIndexes = refFields.map((n) => opts.fields.findIndex((f) => f.name === n)).filter((i) => i >= 0);
    // Product ID → the rows that use it (count and the first lines), to name them if the catalog lacks the ID.
    const referenced = new Map<string, { rows: number; lines: number[] }>();
    const reference = (id: string, line: number) => {
      let use = referenced.get(id);
      if (!use) referenced.set(id, (use = { rows: 0, lines: [] }));
      // A row naming the same product in two fields is one row.
      if (use.lines[use.lines.length - 1] === line) return;
      use.rows++;
      if (use.lines.length < LINES_PER_PRODUCT) use.lines.push(line);
    };
    let excludedByOperator = 0;
    const overridden = new Set<number>();
    const hasOverrides = edits.overrides.size > 0;
    const hasExclusions = edits.excluded.size > 0;
    /** The mapped values of a source row with the operator's overrides on top. */
    const mapRow = (row: SheetRow): string[] => {
      const values = apply(row.values);
      const o = hasOverrides ? edits.overrides.get(row.line) : undefined;
      if (o) for (const [i, v] of o) values[i] = v;
      return values;
    };

    const parallel = sheet.format === 'csv' && (opts.parallel ?? worthAWorker(sheet.totalBytes, availableParallelism()));
    if (parallel) {
      worker = new ParallelSubscribersWriter({
        path: opts.input,
        encoding: sheet.encoding!,
        bomLength: sheet.bomLength!,
        delimiter: sheet.delimiter!,
        mapping,
        ctx: { sourceMailingId: opts.sourceMailingId, waveId },
        outPath: subscribersPath,
        writeEncoding: opts.encoding,
        fieldCount: opts.fields.length,
      });
    }

    // With the worker, the rows are split from its reading of the file.
    const source = sheet.batches(undefined, worker?.text());

    async function* validRows(): AsyncGenerator<string[][]> {
      for await (const batch of source) {
        const out: string[][] = [];
        let rejectedText = '';
        for (const row of batch) {
          if (hasExclusions && edits.excluded.has(row.line)) {
            excludedByOperator++;
            if (hasOverrides && edits.overrides.has(row.line)) overridden.add(row.line);
            continue;
          }
          if (hasOverrides && edits.overrides.has(row.line)) overridden.add(row.line);
          const r = check(mapRow(row), row.line);
          addToSummary(summary, r);
          mailingCheck?.add(row.line, r.values);
          if (r.fixes.length > 0 && tidied.length < MAX_LISTED) {
            for (const f of r.fixes) tidied.push({ ...f, message: detachString(f.message), before: detachString(f.before), after: detachString(f.after) });
          }
          if (r.problems.length === 0) {
            if (r.flags.length > 0 && flagged.length < MAX_LISTED) for (const f of r.flags) flagged.push({ ...f, value: detachString(f.value) });
            if (!worker) out.push(r.values);
            // The worker cuts the record from its copy of the text, unless a value differs from it.
            else if (r.fixes.length === 0 && !(hasOverrides && edits.overrides.has(row.line)) && row.start !== undefined) worker.add(row);
            else worker.add(row, r.values);
            for (const i of refIndexes) if (r.values[i] !== '') reference(r.values[i], row.line);
            continue;
          }
          // Mapped again because the validator fixes values in place; only for the listed rows.
          if (excluded.length < MAX_LISTED) excluded.push(listedRow(r.line, r.problems, mapRow(row)));
          if (!sinkRejected) {
            sinkRejected = new TextSink(rejectedPath);
            await sinkRejected.write('\uFEFF' + formatClosedLoopLine(['line', 'reasons', ...sheet.headers]));
          }
          rejectedText += formatClosedLoopLine([String(row.line), reasonText(r.problems), ...row.values]);
        }
        if (rejectedText !== '') await sinkRejected!.write(rejectedText);
        if (worker) await worker.flush();
        if (out.length > 0) yield out;
      }
      if (overridden.size < edits.overrides.size) {
        const missing = [...edits.overrides.keys()].filter((l) => !overridden.has(l)).sort((a, b) => a - b);
        throw new AppError(
          'INVALID_INPUT',
          `Corrected values name ${missing.length === 1 ? 'line' : 'lines'} ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', …' : ''}, which ${missing.length === 1 ? 'is' : 'are'} not a recipient row of this file (the file may have changed). Validate the file again and redo the corrections.`,
          { lines: missing.slice(0, MAX_LISTED) },
        );
      }
    }

    let written: { readonly rows: number };
    if (worker) {
      // Nothing is yielded in parallel mode; the loop only drives validation.
      for await (const _ of validRows()) void _;
      written = await worker.finish();
      worker = undefined;
    } else {
      written = await writeClosedLoopBatches(validRows(), subscribersPath, { encoding: opts.encoding, fieldCount: opts.fields.length });
    }
    const rejectedFile = sinkRejected ? await sinkRejected.close() : undefined;
    sinkRejected = undefined;
    const mismatch = mailingCheck?.result() ?? undefined;
    if (mismatch && opts.sourceMailingMismatch !== 'report') {
      // Refused as a whole: no file with two source mailings is left behind.
      await rm(subscribersPath, { force: true });
      if (rejectedFile) await rm(rejectedFile, { force: true });
      throw sourceMailingMismatchError(mismatch);
    }

    const base = {
      rows: summary.rows + excludedByOperator,
      valid: summary.valid,
      excluded,
      excludedCount: summary.excluded,
      excludedByOperator,
      emptyRows: sheet.stats.emptyRows,
      summary,
      tidied,
      flagged,
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
      await rm(subscribersPath, { force: true });
      throw new AppError(
        'VALIDATION_FAILED',
        base.rows === 0
          ? 'The file has a header but no recipient rows. Export the recipients again.'
          : summary.rows === 0
            ? `All ${base.rows} rows are excluded, so there is nothing to send. Include at least one row again.`
            : `None of the ${summary.rows} rows can be sent. The reasons are in ${rejectedFile ?? 'the report'}.`,
        { ...base, files: {}, durationMs: Date.now() - started },
      );
    }

    let products: PrepareReport['products'];
    let productsPath: string | undefined;
    if (opts.products) {
      const catalog = await readCatalog(opts.products.input, { ...opts.products.open, fields: opts.products.fields, mapping: opts.products.mapping });
      productsPath = join(opts.outDir, productsFileNameFor(productsPattern, stem));
      try {
        const p = await writeProductsFile(catalog, productsPath, { encoding: opts.encoding, lineBreaks: opts.lineBreaks ?? 'space' });
        const missing = missingProductIds(referenced.keys(), p.ids);
        products = {
          rows: p.rows,
          excludedCount: p.excludedCount,
          excluded: p.excluded,
          missingIds: missing.slice(0, MAX_LISTED),
          missingCount: missing.length,
          missingUses: missing.slice(0, MAX_LISTED).map((id) => ({ id, rows: referenced.get(id)!.rows, lines: referenced.get(id)!.lines })),
        };
      } finally {
        await catalog.spreadsheet.close();
      }
    }

    return {
      ...base,
      files: productsPath ? { subscribers: subscribersPath, products: productsPath } : { subscribers: subscribersPath },
      products,
      durationMs: Date.now() - started,
    };
  } catch (e) {
    if (worker) await (worker as ParallelSubscribersWriter).abort();
    if (sinkRejected) await (sinkRejected as TextSink).discard();
    throw e;
  } finally {
    await sheet.close();
  }
}
