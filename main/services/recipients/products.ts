import { DEFAULT_PRODUCT_FIELDS, type LineBreakPolicy, type MasterField } from '../../../shared/contract/profiles';
import { AppError } from '../../../shared/contract/result';
import { writeClosedLoopBatches, type ClosedLoopEncoding, type WriteResult } from './closed-loop-writer';
import { compileMapping, normaliseHeader, rebaseMapping, suggestMapping, type FieldMapping } from './mapping';
import { openSpreadsheet } from './spreadsheet';
import type { OpenOptions, ProgressCallback, Spreadsheet } from './types';
import { compileValidator, EmailSeenSet, listedRow, type ExcludedRow } from './validate';

/** An opened product catalog with its mapping onto the client's product fields. */
export interface Catalog {
  readonly spreadsheet: Spreadsheet;
  readonly fields: readonly MasterField[];
  readonly mapping: readonly FieldMapping[];
}

/** Options of {@link readCatalog}. */
export interface ReadCatalogOptions extends OpenOptions {
  /** The client's product fields; the default list when absent. */
  readonly fields?: readonly MasterField[];
  /** A confirmed mapping; suggested from the headers when absent. */
  readonly mapping?: readonly FieldMapping[];
}

/**
 * Opens a product catalog (.xlsx or CSV, same readers as recipient files) and maps its columns to
 * the client's product fields. The first product field is the product ID.
 */
export async function readCatalog(path: string, opts: ReadCatalogOptions = {}): Promise<Catalog> {
  const fields = opts.fields ?? DEFAULT_PRODUCT_FIELDS;
  const spreadsheet = await openSpreadsheet(path, opts);
  const mapping = opts.mapping ? rebaseMapping(opts.mapping, spreadsheet.headers) : suggestMapping(spreadsheet.headers, fields);
  const idSource = mapping[0]?.source;
  if (!idSource || idSource.kind === 'none') {
    await spreadsheet.close();
    throw fields[0]
      ? new AppError('VALIDATION_FAILED', 'error.recipients.catalog.noIdColumn', { field: fields[0].name }, { headers: spreadsheet.headers })
      : new AppError('VALIDATION_FAILED', 'error.recipients.catalog.noIdColumnUnnamed', {}, { headers: spreadsheet.headers });
  }
  return { spreadsheet, fields, mapping };
}

/** Product IDs referenced by recipients but absent from the catalog, sorted, without duplicates. */
export function missingProductIds(referencedIds: Iterable<string>, catalogIds: Iterable<string> | ReadonlySet<string>): string[] {
  const have = catalogIds instanceof Set ? (catalogIds as ReadonlySet<string>) : new Set(catalogIds);
  const missing = new Set<string>();
  for (const id of referencedIds) {
    if (id !== '' && !have.has(id)) missing.add(id);
  }
  return [...missing].sort();
}

/**
 * Recipient fields that hold product IDs (named like `product…`/`produkt…`), whose values must exist
 * in the catalog.
 */
export function productReferenceFields(fields: readonly MasterField[]): string[] {
  return fields.map((f) => f.name).filter((n) => /^(product|produkt|artikel|sku)/.test(normaliseHeader(n)));
}

/** Result of writing a products file. */
export interface ProductsWriteResult extends WriteResult {
  /** Product IDs written (for the missing-products check). */
  readonly ids: ReadonlySet<string>;
  /** Catalog rows left out, with reasons. */
  readonly excluded: readonly ExcludedRow[];
  readonly excludedCount: number;
}

/**
 * Writes the products file (same dialect as the recipient file) from a catalog, leaving out rows
 * with problems and repeated product IDs (the first one wins).
 */
export async function writeProductsFile(
  catalog: Catalog,
  outPath: string,
  opts: { readonly encoding: ClosedLoopEncoding; readonly onProgress?: ProgressCallback; readonly lineBreaks?: LineBreakPolicy },
): Promise<ProductsWriteResult> {
  const apply = compileMapping(catalog.mapping, { sourceMailingId: '', waveId: '' });
  // The products file is read line by line too: the client's line-break setting applies (default keep).
  const check = compileValidator(catalog.fields, { encoding: opts.encoding, seenEmails: new EmailSeenSet(), lineBreaks: opts.lineBreaks });
  const ids = new Set<string>();
  const excluded: ExcludedRow[] = [];
  let excludedCount = 0;
  const idField = catalog.fields[0].name;
  async function* valid(): AsyncGenerator<string[][]> {
    for await (const batch of catalog.spreadsheet.batches(opts.onProgress)) {
      const out: string[][] = [];
      for (const row of batch) {
        const r = check(apply(row.values), row.line);
        const id = r.values[0];
        const problems = [...r.problems];
        if (id !== '' && ids.has(id)) {
          problems.push({
            line: row.line,
            field: idField,
            code: 'DUPLICATE_ID',
            message: `${idField} ${id} appears more than once; the first row is used`,
            text: { id: 'check.problem.DUPLICATE_ID', values: { field: idField, value: id } },
          });
        }
        if (problems.length > 0) {
          excludedCount++;
          // Mapped again, unfixed: the validator trims and normalises in place.
          if (excluded.length < 1000) excluded.push(listedRow(row.line, problems, apply(row.values)));
          continue;
        }
        ids.add(id);
        out.push(r.values);
      }
      if (out.length > 0) yield out;
    }
  }
  const written = await writeClosedLoopBatches(valid(), outPath, { encoding: opts.encoding, fieldCount: catalog.fields.length });
  return { ...written, ids, excluded, excludedCount };
}
