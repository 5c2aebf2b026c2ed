import type { LineBreakPolicy, MasterField } from '../../../shared/contract/profiles';
import type { ClosedLoopEncoding } from './closed-loop-writer';
import type { FieldMapping } from './mapping';
import { missingProductIds, readCatalog, writeProductsFile } from './products';
import { MAX_LISTED, type ProductUse } from './recipient-row-pass';
import type { OpenOptions } from './types';
import type { ExcludedRow } from './validate';

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

/** What writing the products file did, for the report. */
export interface PreparedProducts {
  readonly rows: number;
  readonly excludedCount: number;
  readonly excluded: readonly ExcludedRow[];
  readonly missingIds: readonly string[];
  readonly missingCount: number;
  /** Per missing product ID (same order as `missingIds`): how many sendable rows use it and their file lines. */
  readonly missingUses: readonly { readonly id: string; readonly rows: number; readonly lines: readonly number[] }[];
}

/**
 * Writes the products file of a send from its catalog and names the product IDs the sendable
 * recipient rows reference but the catalog lacks, with the rows that use each.
 */
export async function prepareProductsFile(
  products: PrepareProductsInput,
  outPath: string,
  referenced: ReadonlyMap<string, ProductUse>,
  options: { readonly encoding: ClosedLoopEncoding; readonly lineBreaks: LineBreakPolicy },
): Promise<PreparedProducts> {
  const catalog = await readCatalog(products.input, { ...products.open, fields: products.fields, mapping: products.mapping });
  try {
    const p = await writeProductsFile(catalog, outPath, options);
    const missing = missingProductIds(referenced.keys(), p.ids);
    return {
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
