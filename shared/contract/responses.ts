import { z } from 'zod';
import { LOCALES } from '../i18n/locale';
import { CatalogText } from './catalog-text';
import { method, service } from './define';

/** Views the response grids can show (tables and joined views). */
export const GridView = z.enum([
  'mailings',
  'mailing_recipients',
  'links',
  'clicks',
  'opens',
  'unsubscribes',
  'responses',
  'clicks_with_links',
  'recipient_journey',
  'bounces_by_category',
]);

/** One of the views, by name. */
export type GridViewName = z.output<typeof GridView>;

/** One sort entry of AG Grid's sortModel. */
export const SortModelItem = z.object({ colId: z.string().max(100), sort: z.enum(['asc', 'desc']) });
export type SortModelItem = z.output<typeof SortModelItem>;

/** AG Grid's simple text filter (on any column: IDs and dates are compared as shown). */
export const TextFilterModel = z.object({
  filterType: z.literal('text'),
  type: z.enum(['equals', 'notEqual', 'contains', 'notContains', 'startsWith', 'endsWith', 'blank', 'notBlank']),
  filter: z.string().max(10_000).nullish(),
});
export type TextFilterModel = z.output<typeof TextFilterModel>;

/** AG Grid's simple number filter; a value may come as text (IDs beyond 2^53 are typed as text). */
export const NumberFilterModel = z.object({
  filterType: z.literal('number'),
  type: z.enum(['equals', 'notEqual', 'lessThan', 'lessThanOrEqual', 'greaterThan', 'greaterThanOrEqual', 'inRange', 'blank', 'notBlank']),
  filter: z.union([z.number(), z.string().max(100)]).nullish(),
  filterTo: z.union([z.number(), z.string().max(100)]).nullish(),
});
export type NumberFilterModel = z.output<typeof NumberFilterModel>;

/** AG Grid's simple date filter (`dateFrom`/`dateTo` as `YYYY-MM-DD[ HH:MM:SS]`). */
export const DateFilterModel = z.object({
  filterType: z.literal('date'),
  type: z.enum(['equals', 'notEqual', 'lessThan', 'greaterThan', 'inRange', 'blank', 'notBlank']),
  dateFrom: z.string().max(40).nullish(),
  dateTo: z.string().max(40).nullish(),
});
export type DateFilterModel = z.output<typeof DateFilterModel>;

/**
 * A filter on the stored values themselves (AG Grid's set filter model): the rows whose value is
 * one of `values`, none when it is empty. The grid sends it for columns of computed words (the
 * journey's events, the bounce class), whose filter text the operator types in the words shown.
 */
export const SetFilterModel = z.object({
  filterType: z.literal('set'),
  values: z.array(z.string().max(100)).max(50),
});
export type SetFilterModel = z.output<typeof SetFilterModel>;

/** One simple filter condition. */
export const SimpleFilterModel = z.discriminatedUnion('filterType', [TextFilterModel, NumberFilterModel, DateFilterModel, SetFilterModel]);
export type SimpleFilterModel = z.output<typeof SimpleFilterModel>;

/** AG Grid's combined filter: two or more conditions joined by AND/OR. */
export const CombinedFilterModel = z.object({
  filterType: z.enum(['text', 'number', 'date']),
  operator: z.enum(['AND', 'OR']),
  conditions: z.array(SimpleFilterModel).max(20),
});
export type CombinedFilterModel = z.output<typeof CombinedFilterModel>;

/** AG Grid's filter model, colId → filter; the colIds are checked against the view's columns in main. */
export const FilterModel = z.record(z.string().max(100), z.union([CombinedFilterModel, SimpleFilterModel]));
export type FilterModel = z.output<typeof FilterModel>;

/** One grid request: the block AG Grid's infinite row model asks for, as sorted and filtered. */
export const GridRequest = z.object({
  view: GridView,
  startRow: z.number().int().min(0),
  endRow: z.number().int().min(0),
  sortModel: z.array(SortModelItem).max(10).default([]),
  filterModel: FilterModel.default({}),
  scope: z.object({ userId: z.string().max(255).optional(), mailingId: z.string().regex(/^\d{1,19}$/).optional() }).default({}),
  /**
   * `with-block` (default): `lastRow` is the filtered row count. `separately`: the first block
   * after a filter change comes back at once with `lastRow: null` while the count runs on a
   * connection of its own; `responses.count` waits for it (the grid shows "counting…").
   */
  count: z.enum(['with-block', 'separately']).default('with-block'),
});
/** A grid request as a caller gives it (sort, filter and scope may be left out). */
export type GridRequest = z.input<typeof GridRequest>;

/** How a column is filtered, sorted and exported. `id` = BIGINT shown as text (64-bit safe). */
export const GridColumnType = z.enum(['id', 'number', 'text', 'date']);
export type GridColumnType = z.output<typeof GridColumnType>;

/** One column a grid may show, sort and filter on. */
export const GridColumn = z.object({
  /** The AG Grid colId. */
  colId: z.string(),
  /** Header text in English (the CLI's `--where` help, logs). */
  title: z.string(),
  /** The catalog key of the header text: clients show it in their language (`grid.column.recipient`). */
  titleId: z.string(),
  type: GridColumnType,
});
export type GridColumn = z.output<typeof GridColumn>;

/** Grid rows: BIGINT as decimal strings, times as `YYYY-MM-DD HH:MM:SS` (JSON-safe). */
export const GridRow = z.record(z.string(), z.union([z.string(), z.number(), z.null()]));
export type GridRow = z.output<typeof GridRow>;

/** The answer to a grid request; `lastRow` is the total row count after filtering. */
export const GridResult = z.object({
  rows: z.array(GridRow),
  /** The filtered row count; null while it is still being counted (a request with `count: 'separately'`). */
  lastRow: z.number().nullable(),
});
export type GridResult = z.output<typeof GridResult>;

/** One pulled file and what happened to it. */
export const PulledFile = z.object({
  client: z.string(),
  name: z.string(),
  kind: z.string(),
  outcome: z.enum(['ingested', 'replaced', 'skipped', 'rejected']),
  rows: z.number(),
  /** What happened, in English (logs, `--json`). */
  message: z.string(),
  /** The same sentence as catalog key and values, for clients in other languages. */
  text: CatalogText.optional(),
  /** For a rejected file whose error has no catalog key yet: its error code, so a client can say what kind of failure it was. */
  code: z.string().optional(),
});
export type PulledFile = z.output<typeof PulledFile>;

/** A mailing in the response data, tied to the send that created it where known. */
export const ResponseMailing = z.object({
  mailingId: z.string(),
  sourceMailingId: z.string().nullable(),
  started: z.string().nullable(),
  finished: z.string().nullable(),
  sendId: z.string().nullable(),
  inputFile: z.string().nullable(),
  waveId: z.string().nullable(),
  test: z.boolean().nullable(),
  /** How the send was found: the mailing ID in its log, or source mailing + start time. */
  link: z.enum(['log', 'time', 'none']),
});
export type ResponseMailing = z.output<typeof ResponseMailing>;

/** KPIs with their formulas, per-link clicks, activity over time and client stats. */
export const MailingReport = z.object({
  mailingIds: z.array(z.string()),
  kpis: z.array(
    z.object({
      key: z.string(),
      label: z.string(),
      unit: z.enum(['count', 'rate']),
      /** The exact definition over the response files' columns. */
      formula: z.string(),
      /** What the figure counts, in one plain sentence. */
      explain: z.string().default(''),
      value: z.number().nullable(),
    }),
  ),
  bouncesByCategory: z.array(z.object({ category: z.string(), recipients: z.number() })),
  links: z.array(z.object({ linkId: z.string(), name: z.string().nullable(), url: z.string().nullable(), total: z.number(), unique: z.number() })),
  timeline: z.array(z.object({ hour: z.string(), opens: z.number(), clicks: z.number() })),
  clients: z.array(z.object({ source: z.string(), dimension: z.string(), value: z.string().nullable(), events: z.number(), recipients: z.number() })),
});
export type MailingReport = z.output<typeof MailingReport>;

/** A suppression list entry. */
export const SuppressionEntry = z.object({ email: z.string(), reason: z.string(), source: z.string(), addedAt: z.string() });
export type SuppressionEntry = z.output<typeof SuppressionEntry>;

/** One response file in the ledger: every file seen, with its checksum and status. */
export const ResponseFile = z.object({
  id: z.string(),
  profile: z.string(),
  client: z.string(),
  name: z.string(),
  kind: z.string(),
  size: z.number(),
  sha256: z.string(),
  rows: z.number(),
  ingestedAt: z.string(),
  status: z.string(),
  /** Why the file was last rejected, in English (logs, `--json`, older clients). */
  error: z.string().nullable(),
  /** The same reason as a catalog key and values, for the reader's language; null where the ledger kept only the English text. */
  errorText: CatalogText.nullable().default(null),
});
export type ResponseFile = z.output<typeof ResponseFile>;

/** The language an Excel file is written in (sheet names, headers, KPI labels, date formats); English unless the caller says. */
const ExportLanguage = z.enum(LOCALES).default('en');

const Ids = z.object({ mailingIds: z.array(z.string().regex(/^\d{1,19}$/)).min(1).max(1000) });

/** Response data: pull, browse, KPIs, Excel, soft-bounce resend, suppression. */
export const responsesContract = service(
  'responses',
  {
    pull: method(
      'Download and ingest the response files of a profile (one client or all)',
      z.object({ profile: z.string().min(1), client: z.string().optional() }),
      z.object({ files: z.array(PulledFile) }),
    ),
    files: method(
      'The file ledger: every response file seen, with its checksum and status',
      z.object({ profile: z.string().optional() }),
      z.array(ResponseFile),
    ),
    columns: method('Columns of a grid view', z.object({ view: GridView }), z.array(GridColumn)),
    query: method('One block of a grid view, sorted and filtered in SQL', GridRequest, GridResult),
    count: method(
      'The filtered row count of a grid view (joins a count already under way)',
      GridRequest.omit({ startRow: true, endRow: true, sortModel: true, count: true }),
      z.object({ rows: z.number() }),
    ),
    mailings: method('Mailings in the response data with the send that created each', z.object({}), z.array(ResponseMailing)),
    report: method('KPIs, clicks per link, activity over time and devices for one mailing or a wave', Ids, MailingReport),
    exportView: method(
      'Write the grid view as filtered and sorted to an Excel file',
      GridRequest.omit({ startRow: true, endRow: true }).extend({ language: ExportLanguage }),
      z.object({ path: z.string(), rows: z.number(), sheets: z.array(z.string()) }),
    ),
    exportReport: method('Write the mailing report workbook', z.object({ mailingId: z.string().regex(/^\d{1,19}$/), language: ExportLanguage }), z.object({ path: z.string(), rows: z.number(), sheets: z.array(z.string()) })),
    softBounceDraft: method(
      'Build a send draft for the soft-bounced recipients of a mailing, from the original rows in the send archive',
      z.object({ mailingId: z.string().regex(/^\d{1,19}$/) }),
      z.object({ path: z.string(), recipients: z.number(), left: z.number(), profile: z.string(), client: z.string(), sourceMailingId: z.string() }),
    ),
    deleteOlderThan: method('Delete response data older than a date (explicit; nothing is deleted otherwise)', z.object({ before: z.string().datetime({ offset: true }) }), z.record(z.string(), z.number())),
    suppressionList: method(
      'The suppression list',
      z.object({ search: z.string().max(255).optional(), offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(10000).default(500) }),
      z.object({ entries: z.array(SuppressionEntry), total: z.number() }),
    ),
    suppressionRemove: method('Remove an address from the suppression list, with the reason', z.object({ email: z.string().min(3), reason: z.string().min(3).max(500) }), z.object({ removed: z.boolean() })),
    suppressionImport: method('Add the addresses of a file (a column named like e-mail) to the suppression list', z.object({ path: z.string().min(1), reason: z.string().min(1).max(200) }), z.object({ added: z.number(), skipped: z.number() })),
    suppressionExport: method('Write the suppression list to a CSV file', z.object({}), z.object({ path: z.string(), rows: z.number() })),
  },
  {
    /** `message` in English (logs); `text` the same as catalog key and values for the client's language. */
    onProgress: z.object({ task: z.string(), done: z.number(), total: z.number(), message: z.string(), text: CatalogText.optional() }),
  },
);
