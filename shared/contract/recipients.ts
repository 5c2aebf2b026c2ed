import { z } from 'zod';
import { CatalogText } from './catalog-text';
import { method, service } from './define';
import { LineBreakPolicy } from './profiles';
import { LOCALES } from '../i18n/locale';

/** Reader overrides: anything not given is detected. */
export const OpenOptions = z.object({
  encoding: z.string().max(40).optional(),
  delimiter: z.string().max(2).optional(),
  sheet: z.string().max(200).optional(),
});
export type OpenOptions = z.output<typeof OpenOptions>;

/** Where a master-list field takes its value from. */
export const MappingSource = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('column'),
    /** 0-based index into the file's headers. */
    column: z.number().int().min(0),
    /** The header text, so a saved mapping can be re-found when columns move. */
    header: z.string(),
    /** 1 = exact name, ~0.9 = known synonym, lower = fuzzy guess, 1 also for operator choices. */
    confidence: z.number().min(0).max(1),
  }),
  z.object({ kind: z.literal('constant'), value: z.string().max(4000) }),
  z.object({ kind: z.literal('sourceMailing') }),
  z.object({ kind: z.literal('generatedWave') }),
  z.object({ kind: z.literal('none') }),
]);
export type MappingSource = z.output<typeof MappingSource>;

/** One field of a mapping: a master-list field and its source. */
export const FieldMapping = z.object({ field: z.string(), source: MappingSource });
export type FieldMapping = z.output<typeof FieldMapping>;

/** A spreadsheet on the host's disk (the Electron host reads a dropped file by path; the browser host stores an upload and returns its path). */
export const FileRef = z.object({ path: z.string().min(1).max(4096) });

/** Which client's master list a file is mapped to. */
export const ClientRef = z.object({ profile: z.string().min(1), client: z.string().min(1) });

/** One value the operator corrected inline: replaces the mapped value of `field` on `line`. */
export const ValueOverride = z.object({
  /** Row number as in the report (Excel row / CSV record, 1-based). */
  line: z.number().int().min(1),
  /** A master-list field name. */
  field: z.string(),
  value: z.string().max(100000),
});
export type ValueOverride = z.output<typeof ValueOverride>;

/**
 * Corrections the operator made inline, applied on the next run so the source file need not be
 * edited: overridden values are validated like any other, excluded lines are left out.
 */
export const RowEdits = z.object({
  /** Applied after mapping, before validation; a later override of the same line and field wins. */
  overrides: z.array(ValueOverride).max(100000).default([]),
  /** Lines the operator chose not to send; lines that are not data rows are ignored. */
  excludedLines: z.array(z.number().int().min(1)).max(1000000).default([]),
});
/** As a caller gives it: both lists may be left out. */
export type RowEdits = z.input<typeof RowEdits>;

/** Why a row cannot be sent (the check's own reasons). */
export const ProblemCode = z.enum([
  'REQUIRED',
  'INVALID_EMAIL',
  'DUPLICATE_EMAIL',
  'DUPLICATE_ID',
  'SUPPRESSED',
  'TOO_LONG',
  'NOT_A_NUMBER',
  'OUT_OF_RANGE',
  'INVALID_URL',
  'INVALID_DATE',
  'UNENCODABLE',
  /** A line break inside a value, under the client's `lineBreaks: reject`. */
  'LINE_BREAK',
]);
export type ProblemCode = z.output<typeof ProblemCode>;

/**
 * One reason a row cannot be sent, as the check found it: `message` in English (logs, the
 * rejected-rows file, `--json`), `text` the same sentence as catalog key and values, which
 * clients show in their language (absent in problems from before the catalog).
 */
export const RowProblem = z.object({ line: z.number(), field: z.string(), code: ProblemCode, message: z.string(), text: CatalogText.optional() });
export type RowProblem = z.output<typeof RowProblem>;

/** One row the server's error file names; its `code` is the server's own text, not one of {@link ProblemCode}. */
export const ServerRowProblem = RowProblem.extend({ code: z.string() });
export type ServerRowProblem = z.output<typeof ServerRowProblem>;

/** A change made to a value so it can be sent (not an error). */
export const FixCode = z.enum(['TRIMMED', 'DATE_NORMALISED', 'LINE_BREAK_REPLACED']);
export type FixCode = z.output<typeof FixCode>;

/**
 * A value that is sent as it is but deserves a look: a line break (a line-based importer would
 * split the record) or what a spreadsheet would run as a formula (`=HYPERLINK(…)`).
 */
export const FlagCode = z.enum(['LINE_BREAK', 'FORMULA']);
export type FlagCode = z.output<typeof FlagCode>;

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
export const TidiedValue = z.object({
  line: z.number(),
  field: z.string(),
  code: FixCode,
  /** The value as mapped, and as it is sent. */
  before: z.string(),
  after: z.string(),
});
export type TidiedValue = z.output<typeof TidiedValue>;

/** A value sent as it is that deserves a look (see {@link FlagCode}); `value` is the value as mapped, before any fix. */
export const FlaggedValue = z.object({ line: z.number(), field: z.string(), code: FlagCode, value: z.string() });
export type FlaggedValue = z.output<typeof FlaggedValue>;

/** A row the check excluded, with every reason. */
export const ExcludedRow = z.object({
  line: z.number(),
  reasons: z.array(RowProblem),
  /**
   * The row's mapped values in master-list field order, overrides applied, before automatic fixes:
   * what the operator edits inline.
   */
  values: z.array(z.string()),
});
export type ExcludedRow = z.output<typeof ExcludedRow>;

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
  excluded: z.array(ExcludedRow),
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
  /** The language of the asking window: the reasons in the rejected-rows file are written in it (English when absent). */
  language: z.enum(LOCALES).optional(),
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
