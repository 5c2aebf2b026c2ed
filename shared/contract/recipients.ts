import { z } from 'zod';
import { method, service } from './define';
import { LineBreakPolicy } from './profiles';

/** Reader overrides: anything not given is detected. */
export const OpenOptions = z.object({
  encoding: z.string().max(40).optional(),
  delimiter: z.string().max(2).optional(),
  sheet: z.string().max(200).optional(),
});

/** Where a master-list field takes its value from. */
export const MappingSource = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('column'), column: z.number().int().min(0), header: z.string(), confidence: z.number().min(0).max(1) }),
  z.object({ kind: z.literal('constant'), value: z.string().max(4000) }),
  z.object({ kind: z.literal('sourceMailing') }),
  z.object({ kind: z.literal('generatedWave') }),
  z.object({ kind: z.literal('none') }),
]);

/** One field of a mapping. */
export const FieldMapping = z.object({ field: z.string(), source: MappingSource });
export type FieldMapping = z.output<typeof FieldMapping>;

/** A spreadsheet on the host's disk (the Electron host reads a dropped file by path; the browser host stores an upload and returns its path). */
export const FileRef = z.object({ path: z.string().min(1).max(4096) });

/** Which client's master list a file is mapped to. */
export const ClientRef = z.object({ profile: z.string().min(1), client: z.string().min(1) });

/** Corrections the operator made inline: values by line and field, and lines left out. */
export const RowEdits = z.object({
  overrides: z.array(z.object({ line: z.number().int().min(1), field: z.string(), value: z.string().max(100000) })).max(100000).default([]),
  excludedLines: z.array(z.number().int().min(1)).max(1000000).default([]),
});

/** One reason a row cannot be sent. */
export const RowProblem = z.object({ line: z.number(), field: z.string(), code: z.string(), message: z.string() });

/**
 * Rows whose `broadmail_ID` is another source mailing than the one chosen for the send. A file
 * carries one source mailing, so the one-send-per-source-mailing lock holds (interpretation.md):
 * such a send is refused as a whole, never sent in part. The details of the error
 * `SOURCE_MAILING_MISMATCH`, and part of the check report.
 */
export const SourceMailingMismatch = z.object({
  /** The source mailing chosen for the send. */
  chosen: z.string(),
  /** Rows whose broadmail_ID differs (operator-excluded lines not counted). */
  count: z.number().int(),
  /** The first of them, in file order. */
  lines: z.array(z.object({ line: z.number().int(), value: z.string() })).max(1000),
  /** The other source mailing IDs the file names, in order of first appearance. */
  others: z.array(z.string()).max(20),
});
export type SourceMailingMismatch = z.output<typeof SourceMailingMismatch>;

/** A value changed automatically before sending (trimmed, date rewritten, line break replaced). */
export const TidiedValue = z.object({ line: z.number(), field: z.string(), code: z.string(), before: z.string(), after: z.string() });

/** A value sent as it is that deserves a look: a line break, or a formula a spreadsheet would run. */
export const FlaggedValue = z.object({ line: z.number(), field: z.string(), code: z.enum(['LINE_BREAK', 'FORMULA']), value: z.string() });

/** What an inspected file looks like, with the suggested mapping. */
export const Inspection = z.object({
  path: z.string(),
  fileName: z.string(),
  format: z.enum(['csv', 'xlsx']),
  encoding: z.string().nullable(),
  delimiter: z.string().nullable(),
  sheets: z.array(z.string()),
  sheet: z.string().nullable(),
  headers: z.array(z.string()),
  headerLine: z.number(),
  preview: z.array(z.object({ line: z.number(), values: z.array(z.string()) })),
  totalBytes: z.number(),
  mapping: z.array(FieldMapping),
  /** True when the mapping came from a saved one for the same headers. */
  mappingSaved: z.boolean(),
});
export type Inspection = z.output<typeof Inspection>;

/** The validation report shown before anything is sent. */
export const ValidationReport = z.object({
  rows: z.number(),
  valid: z.number(),
  excludedCount: z.number(),
  /** Rows the operator chose to leave out (not errors). */
  excludedByOperator: z.number(),
  emptyRows: z.number(),
  /** Problem rows (the first 1000), each with every reason. */
  excluded: z.array(z.object({ line: z.number(), reasons: z.array(RowProblem), values: z.array(z.string()) })),
  byCode: z.record(z.string(), z.number()),
  /** Values tidied automatically, in all. */
  fixes: z.number(),
  /** The same by kind (TRIMMED, DATE_NORMALISED, LINE_BREAK_REPLACED). */
  fixesByCode: z.record(z.string(), z.number()),
  /** The first 1000 tidied values, before and after. */
  tidied: z.array(TidiedValue),
  /** Risky values of the rows that are sent, by kind (LINE_BREAK, FORMULA). */
  flagCounts: z.record(z.string(), z.number()),
  /** The first 1000 of them. */
  flagged: z.array(FlaggedValue),
  /** The client's line-break setting the check applied. */
  lineBreaks: LineBreakPolicy,
  /** Rows naming another source mailing: the send is refused until they are resolved. */
  sourceMailingMismatch: SourceMailingMismatch.nullable(),
  /** The first rows exactly as they will be sent (field order). */
  sample: z.array(z.array(z.string())),
  fields: z.array(z.string()),
  /** A file with the rejected rows and their reasons, to fix in Excel. */
  rejectedFile: z.string().nullable(),
  products: z
    .object({
      rows: z.number(),
      excludedCount: z.number(),
      missingIds: z.array(z.string()),
      missingCount: z.number(),
      /** Per missing product ID: the sendable rows that use it (count, and their file lines up to a cap), so they can be left out in one action. */
      missingUses: z.array(z.object({ id: z.string(), rows: z.number(), lines: z.array(z.number()) })).default([]),
    })
    .nullable(),
  durationMs: z.number(),
});
export type ValidationReport = z.output<typeof ValidationReport>;

/** Products part of a send: catalog file, its mapping, and the recipient fields holding product IDs. */
export const ProductsInput = z.object({
  path: z.string().min(1),
  open: OpenOptions.default({}),
  mapping: z.array(FieldMapping).optional(),
  referenceFields: z.array(z.string()).optional(),
});

/** Everything that defines what a send will upload. */
export const SendDraft = ClientRef.extend({
  path: z.string().min(1),
  open: OpenOptions.default({}),
  sourceMailingId: z.string().regex(/^\d{1,19}$/),
  mapping: z.array(FieldMapping),
  edits: RowEdits.default({ overrides: [], excludedLines: [] }),
  products: ProductsInput.nullable().default(null),
});
export type SendDraft = z.input<typeof SendDraft>;

/** Recipient spreadsheets: read, map, validate. */
export const recipientsContract = service(
  'recipients',
  {
    inspect: method(
      'Detect format, encoding and separator, read the header and first rows, suggest a mapping',
      ClientRef.extend({ path: z.string().min(1), open: OpenOptions.default({}) }),
      Inspection,
    ),
    inspectCatalog: method(
      'Read a product catalog header and suggest its mapping to the product fields',
      ClientRef.extend({ path: z.string().min(1), open: OpenOptions.default({}) }),
      Inspection,
    ),
    validate: method('Map and validate the whole file; nothing leaves the machine', SendDraft, ValidationReport),
    saveMapping: method(
      'Remember a mapping for files with the same headers',
      ClientRef.extend({ headers: z.array(z.string()), mapping: z.array(FieldMapping) }),
      z.object({ saved: z.boolean() }),
    ),
  },
  { onProgress: z.object({ path: z.string(), bytesRead: z.number(), totalBytes: z.number(), rows: z.number() }) },
);
