import type { GridViewName } from '../../../shared/contract/responses';
import { formats } from '../../../shared/i18n/formats';
import { appIntl, type AppIntl } from '../../../shared/i18n/intl';
import type { Locale } from '../../../shared/i18n/locale';
import type { MessageId } from '../../../shared/i18n/messages';
import { VALUE_TEXT, vendorValueText } from '../../../shared/i18n/value-words';
import type { Database } from '../store/database';
import { compileGridQuery, type GridColumn, type GridColumnType, type GridQuery } from './grid-query';
import { KPI_DEFINITIONS, activityTimeline, clicksPerLink, clientStats, kpisForMailings } from './kpis';
import { SheetWriter, streamSheet, writeWorkbook, type ExportProgress, type ExportResult, type ReportColumn } from './workbook-writer';

export { cellValue, MAX_SHEET_DATA_ROWS, type ExportProgress, type ExportResult } from './workbook-writer';

/** Options of a grid-view export. */
export interface ExportRowsInput {
  /** The grid view as shown: view, sort, filter, scope (paging is ignored). */
  readonly query: Omit<GridQuery, 'startRow' | 'endRow'> & { readonly startRow?: number; readonly endRow?: number };
  readonly outPath: string;
  /** Sheet name; defaults to the view's name in {@link language}. */
  readonly sheetName?: string;
  /** The language of sheet names, headers and date formats; English by default. */
  readonly language?: Locale;
  readonly onProgress?: (p: ExportProgress) => void;
}

/** The sheet name of each view (at most 31 characters in every language: Excel's limit). */
const VIEW_SHEETS: Readonly<Record<GridViewName, MessageId>> = {
  mailings: 'report.sheet.mailings',
  mailing_recipients: 'report.sheet.recipients',
  links: 'report.sheet.links',
  clicks: 'report.sheet.clicksFile',
  opens: 'report.sheet.opens',
  unsubscribes: 'report.sheet.unsubscribes',
  responses: 'report.sheet.responses',
  clicks_with_links: 'report.sheet.clicks',
  recipient_journey: 'report.sheet.journey',
  bounces_by_category: 'report.sheet.bouncesByCategory',
};

/** Excel number formats per language: dates as the reader writes them, rates as percentages. */
const EXCEL_FORMATS: Readonly<Record<Locale, { readonly date: string; readonly percent: string }>> = {
  en: { date: 'dd/mm/yyyy hh:mm:ss', percent: '0.0%' },
  de: { date: 'dd.mm.yyyy hh:mm:ss', percent: '0.0 %' },
};

/** Per column, the words a view computes (the journey's events, the bounce class) in the reader's language. */
function columnWords(intl: AppIntl, columns: readonly GridColumn[]): (Record<string, string> | undefined)[] {
  return columns.map((c) => {
    const words = VALUE_TEXT[c.colId];
    return words && Object.fromEntries(Object.entries(words).map(([stored, id]) => [stored, intl.formatMessage({ id })]));
  });
}

/** A grid view's columns with headers in the reader's language and dates in its form. */
function localColumns(intl: AppIntl, language: Locale, columns: readonly GridColumn[]): ReportColumn[] {
  return columns.map((c) => ({ ...c, title: intl.formatMessage({ id: c.titleId as MessageId }), ...(c.type === 'date' ? { numFmt: EXCEL_FORMATS[language].date } : {}) }));
}

/**
 * Exports a grid view, filtered and sorted as the grid shows it, to an .xlsx file.
 * Streams rows from DuckDB into ExcelJS's streaming writer, which runs in a worker thread with
 * a small young generation (see excel-worker.ts), so memory stays flat and low.
 * The file is complete or absent: written to `<out>.partial`, renamed at the end.
 */
export async function exportRows(db: Database, input: ExportRowsInput): Promise<ExportResult> {
  const compiled = compileGridQuery(input.query, null);
  const language = input.language ?? 'en';
  const intl = appIntl(language);
  const sheetName = input.sheetName ?? intl.formatMessage({ id: VIEW_SHEETS[input.query.view] });
  return writeWorkbook(input.outPath, async (book) => {
    const total = Number((await db.all<{ n: bigint }>(compiled.count, [...compiled.params]))[0]?.n ?? 0);
    const rows = await streamSheet(db, book, sheetName, localColumns(intl, language, compiled.columns), compiled.select, compiled.params, total, input.onProgress, columnWords(intl, compiled.columns));
    return rows;
  });
}

/** Options of a mailing report. */
export interface ExportMailingReportInput {
  readonly mailingId: string;
  readonly outPath: string;
  /** When the report is written (the KPI sheet says so); now by default. */
  readonly now?: Date;
  /** The language of sheet names, headers, KPI texts and date formats; English by default. */
  readonly language?: Locale;
  readonly onProgress?: (p: ExportProgress) => void;
}

/**
 * A mailing report workbook: KPIs (with each formula in words), bounces by category,
 * clicks per link, hourly activity, devices/platforms/browsers, then detail sheets
 * (recipients, opens, clicks with link names, unsubscribes, responses).
 */
export async function exportMailingReport(db: Database, input: ExportMailingReportInput): Promise<ExportResult> {
  const mailingIds = [input.mailingId];
  const kpis = await kpisForMailings(db, { mailingIds });
  const links = await clicksPerLink(db, { mailingIds });
  const timeline = await activityTimeline(db, { mailingIds });
  const clients = await clientStats(db, { mailingIds });
  const [aboutRow] = await db.all<{ source: bigint | null; started: Date | null }>(
    'SELECT any_value(mailing_group_id) AS source, min(started) AS started FROM mailings WHERE id = CAST($1 AS BIGINT)',
    [input.mailingId],
  );
  const language = input.language ?? 'en';
  const intl = appIntl(language);
  const t = (id: MessageId) => intl.formatMessage({ id });
  const fmt = formats(intl);
  const empty = fmt.number(null);
  const about = aboutRow ? { source: aboutRow.source === null ? null : String(aboutRow.source), started: aboutRow.started ? fmt.dateTime(wallClock(aboutRow.started), { seconds: true }) : null } : null;
  const dateFormat = EXCEL_FORMATS[language].date;
  return writeWorkbook(input.outPath, async (book) => {
    const sheet = async (name: string, columns: readonly ReportColumn[], rows: readonly (readonly unknown[])[], preamble?: readonly (readonly [string, string])[]) => {
      const writer = new SheetWriter(book, name, columns);
      await writer.start(preamble);
      await writer.add(rows.map((r) => [...r]));
      await writer.finish();
    };
    // Counts and rates in their own columns, so each column has one number format (rates as Excel percentages).
    await sheet(
      t('report.sheet.kpis'),
      [
        col('kpi', 'report.header.kpi', 'text'),
        col('count', 'report.header.count', 'number'),
        { ...col('rate', 'report.header.rate', 'number'), numFmt: EXCEL_FORMATS[language].percent },
        col('explain', 'report.header.explain', 'text'),
        col('formula', 'report.header.formula', 'text'),
      ].map((c) => ({ ...c, title: t(c.titleId as MessageId) })),
      KPI_DEFINITIONS.map((d) => [t(d.text.label), d.unit === 'count' ? kpis.values[d.key] : null, d.unit === 'rate' ? kpis.values[d.key] : null, t(d.text.explain), t(d.text.formula)]),
      [
        [t('report.about.mailing'), mailingIds.join(', ')],
        ...(about ? ([[t('report.about.sourceMailing'), about.source ?? empty], [t('report.about.started'), about.started ?? empty]] as [string, string][]) : []),
        [t('report.about.written'), localTimeText(input.now ?? new Date(), language)],
      ],
    );
    const local = (columns: readonly GridColumn[]) => localColumns(intl, language, columns);
    await sheet(
      t('report.sheet.bouncesByCategory'),
      local([col('category', 'grid.column.category', 'text'), col('recipients', 'grid.column.recipients', 'number')]),
      kpis.bouncesByCategory.map((b) => [b.category, b.recipients]),
    );
    await sheet(
      t('report.sheet.clicksPerLink'),
      local([col('link_id', 'grid.column.linkId', 'id'), col('name', 'grid.column.linkName', 'text'), col('url', 'grid.column.url', 'text'), col('total', 'report.header.clicks', 'number'), col('unique', 'kpi.uniqueClickers.label', 'number')]),
      links.map((l) => [l.linkId, l.name, l.url, l.total, l.unique]),
    );
    await sheet(
      t('report.sheet.activity'),
      local([col('hour', 'report.header.hour', 'date'), col('opens', 'report.header.opens', 'number'), col('clicks', 'report.header.clicks', 'number')]).map((c) => (c.type === 'date' ? { ...c, numFmt: dateFormat.replace(':ss', '') } : c)),
      timeline.map((h) => [new Date(`${h.hour.replace(' ', 'T')}Z`), h.opens, h.clicks]),
    );
    await sheet(
      t('report.sheet.devices'),
      local([col('source', 'grid.column.event', 'text'), col('dimension', 'report.header.dimension', 'text'), col('value', 'report.header.value', 'text'), col('events', 'grid.column.events', 'number'), col('recipients', 'grid.column.recipients', 'number')]),
      clients.map((s) => [t(EVENT_TEXT[s.source]), t(DIMENSION_TEXT[s.dimension]), s.value === null ? null : vendorValueText(s.dimension, s.value, t), s.events, s.recipients]),
    );
    let rows = 0;
    const details = ['mailing_recipients', 'opens', 'clicks_with_links', 'unsubscribes', 'responses'] as const;
    for (const view of details) {
      const compiled = compileGridQuery({ view, scope: { mailingId: input.mailingId } }, null);
      const total = Number((await db.all<{ n: bigint }>(compiled.count, [...compiled.params]))[0]?.n ?? 0);
      rows += await streamSheet(db, book, t(VIEW_SHEETS[view]), local(compiled.columns), compiled.select, compiled.params, total, input.onProgress);
    }
    return rows;
  });
}

/** Open or click, in the Devices sheet. */
const EVENT_TEXT: Readonly<Record<'open' | 'click', MessageId>> = { open: 'report.event.open', click: 'report.event.click' };
/** Device, platform or browser, in the Devices sheet. */
const DIMENSION_TEXT: Readonly<Record<'device' | 'platform' | 'browser', MessageId>> = { device: 'grid.column.device', platform: 'grid.column.platform', browser: 'grid.column.browser' };

/** A server wall-clock time (DuckDB hands it over as that time in UTC) as a local Date showing the same numbers. */
function wallClock(d: Date): Date {
  return new Date(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds());
}

function col(colId: string, titleId: MessageId, type: GridColumnType): GridColumn {
  return { colId, title: appIntl('en').formatMessage({ id: titleId }), titleId, type };
}

/** This computer's local time in the reader's form with its offset (`06.12.2026 09:30:05 (UTC+01:00)`): when a report was written. */
export function localTimeText(d: Date, language: Locale = 'en'): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const offset = -d.getTimezoneOffset();
  const zone = `UTC${offset >= 0 ? '+' : '-'}${p(Math.floor(Math.abs(offset) / 60))}:${p(Math.abs(offset) % 60)}`;
  return appIntl(language).formatMessage({ id: 'report.about.writtenAt' }, { time: formats(appIntl(language)).dateTime(d, { seconds: true }), zone });
}
