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
  /** Sheet name; defaults to the view name. */
  readonly sheetName?: string;
  readonly onProgress?: (p: ExportProgress) => void;
}

/**
 * Exports a grid view, filtered and sorted as the grid shows it, to an .xlsx file.
 * Streams rows from DuckDB into ExcelJS's streaming writer, which runs in a worker thread with
 * a small young generation (see excel-worker.ts), so memory stays flat and low.
 * The file is complete or absent: written to `<out>.partial`, renamed at the end.
 */
export async function exportRows(db: Database, input: ExportRowsInput): Promise<ExportResult> {
  const compiled = compileGridQuery(input.query, null);
  const sheetName = input.sheetName ?? input.query.view;
  return writeWorkbook(input.outPath, async (book) => {
    const total = Number((await db.all<{ n: bigint }>(compiled.count, [...compiled.params]))[0]?.n ?? 0);
    const rows = await streamSheet(db, book, sheetName, compiled.columns, compiled.select, compiled.params, total, input.onProgress);
    return rows;
  });
}

/** Options of a mailing report. */
export interface ExportMailingReportInput {
  readonly mailingId: string;
  readonly outPath: string;
  /** When the report is written (the KPI sheet says so); now by default. */
  readonly now?: Date;
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
  const about = aboutRow ? { source: aboutRow.source === null ? null : String(aboutRow.source), started: aboutRow.started ? aboutRow.started.toISOString().replace('T', ' ').slice(0, 19) : null } : null;
  return writeWorkbook(input.outPath, async (book) => {
    const sheet = async (name: string, columns: readonly ReportColumn[], rows: readonly (readonly unknown[])[], preamble?: readonly (readonly [string, string])[]) => {
      const writer = new SheetWriter(book, name, columns);
      await writer.start(preamble);
      await writer.add(rows.map((r) => [...r]));
      await writer.finish();
    };
    // Counts and rates in their own columns, so each column has one number format (rates as Excel percentages).
    await sheet(
      'KPIs',
      [
        col('kpi', 'KPI', 'text'),
        col('count', 'Count', 'number'),
        { ...col('rate', 'Rate', 'number'), numFmt: '0.0%' },
        col('explain', 'What it counts', 'text'),
        col('formula', 'Exact definition', 'text'),
      ],
      KPI_DEFINITIONS.map((d) => [d.label, d.unit === 'count' ? kpis.values[d.key] : null, d.unit === 'rate' ? kpis.values[d.key] : null, d.explain, d.formula]),
      [
        ['Mailing', mailingIds.join(', ')],
        ...(about ? ([['Source mailing ID', about.source ?? '—'], ['Started', about.started ?? '—']] as [string, string][]) : []),
        ['Report written', localTimeText(input.now ?? new Date())],
      ],
    );
    await sheet(
      'Bounces by category',
      [col('category', 'Category', 'text'), col('recipients', 'Recipients', 'number')],
      kpis.bouncesByCategory.map((b) => [b.category, b.recipients]),
    );
    await sheet(
      'Clicks per link',
      [col('link_id', 'Link ID', 'id'), col('name', 'Link name', 'text'), col('url', 'URL', 'text'), col('total', 'Clicks', 'number'), col('unique', 'Unique clickers', 'number')],
      links.map((l) => [l.linkId, l.name, l.url, l.total, l.unique]),
    );
    await sheet(
      'Activity per hour',
      [col('hour', 'Hour', 'date'), col('opens', 'Opens', 'number'), col('clicks', 'Clicks', 'number')],
      timeline.map((t) => [new Date(`${t.hour.replace(' ', 'T')}Z`), t.opens, t.clicks]),
    );
    await sheet(
      'Devices',
      [col('source', 'Event', 'text'), col('dimension', 'Dimension', 'text'), col('value', 'Value', 'text'), col('events', 'Events', 'number'), col('recipients', 'Recipients', 'number')],
      clients.map((s) => [s.source, s.dimension, s.value, s.events, s.recipients]),
    );
    let rows = 0;
    const details = [
      ['Recipients', 'mailing_recipients'],
      ['Opens', 'opens'],
      ['Clicks', 'clicks_with_links'],
      ['Unsubscribes', 'unsubscribes'],
      ['Responses', 'responses'],
    ] as const;
    for (const [name, view] of details) {
      const compiled = compileGridQuery({ view, scope: { mailingId: input.mailingId } }, null);
      const total = Number((await db.all<{ n: bigint }>(compiled.count, [...compiled.params]))[0]?.n ?? 0);
      rows += await streamSheet(db, book, name, compiled.columns, compiled.select, compiled.params, total, input.onProgress);
    }
    return rows;
  });
}

function col(colId: string, title: string, type: GridColumnType): GridColumn {
  return { colId, title, type };
}

/** This computer's local time as `YYYY-MM-DD HH:MM:SS (UTC+01:00)`: when a report was written. */
export function localTimeText(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const offset = -d.getTimezoneOffset();
  const zone = `UTC${offset >= 0 ? '+' : '-'}${p(Math.floor(Math.abs(offset) / 60))}:${p(Math.abs(offset) % 60)}`;
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())} (${zone})`;
}
