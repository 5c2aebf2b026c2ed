import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { MasterField } from '../../../shared/contract/profiles';
import { AppError } from '../../../shared/contract/result';
import { closedLoopFileName, formatClosedLoopLine, writeClosedLoopBatches, type ClosedLoopEncoding } from './closed-loop-writer';
import { compileMapping, newWaveId, rebaseMapping, suggestMapping, type FieldMapping } from './mapping';
import { missingProductIds, productReferenceFields, readCatalog, writeProductsFile } from './products';
import { openSpreadsheet } from './spreadsheet';
import { TextSink } from './text-sink';
import type { OpenOptions, ProgressCallback } from './types';
import { addToSummary, compileValidator, EmailSeenSet, emptySummary, type RowProblem, type ValidationSummary } from './validate';

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
  /** IANA zone of the file-name timestamp; empty = the workstation's. */
  readonly timeZone: string;
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
}

/** An excluded row with all its reasons. */
export interface ExcludedRow {
  readonly line: number;
  readonly reasons: readonly RowProblem[];
}

/** What `prepare` did, for the operator and the send journal. */
export interface PrepareReport {
  /** Data rows read (empty rows not included). */
  readonly rows: number;
  readonly valid: number;
  /** Excluded rows (the first 1000; all of them are in the rejected file). */
  readonly excluded: readonly ExcludedRow[];
  readonly excludedCount: number;
  readonly emptyRows: number;
  readonly summary: ValidationSummary;
  readonly mapping: readonly FieldMapping[];
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
  };
  readonly durationMs: number;
}

const MAX_LISTED = 1000;
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
  const waveId = opts.waveId ?? newWaveId(opts.now);
  if (!BIGINT_ID.test(waveId)) throw new AppError('INVALID_INPUT', `The wave ID "${waveId}" must be a whole number.`);
  await mkdir(opts.outDir, { recursive: true });

  const sheet = await openSpreadsheet(opts.input, { ...opts.open, onProgress: opts.onProgress });
  let sinkRejected: TextSink | undefined;
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
    const subscribersName = closedLoopFileName(now, opts.timeZone, 'subscribers', (name) => {
      const stem = name.slice(0, 14);
      return !free(name) || !free(`${stem}_products.csv`) || !free(`${stem}_rejected.csv`);
    });
    const stem = subscribersName.slice(0, 14);
    const subscribersPath = join(opts.outDir, subscribersName);
    const rejectedPath = join(opts.outDir, `${stem}_rejected.csv`);

    const apply = compileMapping(mapping, { sourceMailingId: opts.sourceMailingId, waveId });
    const check = compileValidator(opts.fields, {
      encoding: opts.encoding,
      suppressed: opts.suppressed,
      seenEmails: new EmailSeenSet(),
      // Only UTF-16 text can carry lone surrogates; decoded UTF-8, Latin and xlsx text cannot.
      checkSurrogates: sheet.encoding?.startsWith('utf-16') ?? false,
    });
    const summary = emptySummary();
    const excluded: ExcludedRow[] = [];
    const refFields = opts.products ? (opts.products.referenceFields ?? productReferenceFields(opts.fields)) : [];
    const refIndexes = refFields.map((n) => opts.fields.findIndex((f) => f.name === n)).filter((i) => i >= 0);
    const referenced = new Set<string>();

    async function* validRows(): AsyncGenerator<string[][]> {
      for await (const batch of sheet.batches()) {
        const out: string[][] = [];
        let rejectedText = '';
        for (const row of batch) {
          const r = check(apply(row.values), row.line);
          addToSummary(summary, r);
          if (r.problems.length === 0) {
            out.push(r.values);
            for (const i of refIndexes) if (r.values[i] !== '') referenced.add(r.values[i]);
            continue;
          }
          if (excluded.length < MAX_LISTED) excluded.push({ line: r.line, reasons: r.problems });
          if (!sinkRejected) {
            sinkRejected = new TextSink(rejectedPath);
            await sinkRejected.write('\uFEFF' + formatClosedLoopLine(['line', 'reasons', ...sheet.headers]));
          }
          rejectedText += formatClosedLoopLine([String(row.line), reasonText(r.problems), ...row.values]);
        }
        if (rejectedText !== '') await sinkRejected!.write(rejectedText);
        if (out.length > 0) yield out;
      }
    }

    const written = await writeClosedLoopBatches(validRows(), subscribersPath, { encoding: opts.encoding, fieldCount: opts.fields.length });
    const rejectedFile = sinkRejected ? await sinkRejected.close() : undefined;
    sinkRejected = undefined;

    const base = {
      rows: summary.rows,
      valid: summary.valid,
      excluded,
      excludedCount: summary.excluded,
      emptyRows: sheet.stats.emptyRows,
      summary,
      mapping,
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
        summary.rows === 0
          ? 'The file has a header but no recipient rows. Export the recipients again.'
          : `None of the ${summary.rows} rows can be sent. The reasons are in ${rejectedFile ?? 'the report'}.`,
        { ...base, files: {}, durationMs: Date.now() - started },
      );
    }

    let products: PrepareReport['products'];
    let productsPath: string | undefined;
    if (opts.products) {
      const catalog = await readCatalog(opts.products.input, { ...opts.products.open, fields: opts.products.fields, mapping: opts.products.mapping });
      productsPath = join(opts.outDir, `${stem}_products.csv`);
      try {
        const p = await writeProductsFile(catalog, productsPath, { encoding: opts.encoding });
        const missing = missingProductIds(referenced, p.ids);
        products = {
          rows: p.rows,
          excludedCount: p.excludedCount,
          excluded: p.excluded,
          missingIds: missing.slice(0, MAX_LISTED),
          missingCount: missing.length,
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
    if (sinkRejected) await (sinkRejected as TextSink).discard();
    throw e;
  } finally {
    await sheet.close();
  }
}
