/** DuckDB JS values as JSON-safe grid values (also the one timestamp format of KPIs and exports). */
import type { GridColumn, GridRow } from '../../../shared/contract/responses';

/** Converts DuckDB JS values to JSON-safe grid values. */
export function toGridRow(row: Record<string, unknown>, columns: readonly GridColumn[]): GridRow {
  const out: Record<string, string | number | null> = {};
  for (const col of columns) {
    const v = row[col.colId];
    // Counts are BIGINT in SQL but small: numbers, so the grid sorts and sums them as such.
    out[col.colId] = col.type === 'number' && typeof v === 'bigint' ? Number(v) : gridValue(v);
  }
  return out;
}

/** One DuckDB JS value as a JSON-safe grid value. */
export function gridValue(v: unknown): string | number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Date) return formatTimestamp(v);
  if (typeof v === 'number' || typeof v === 'string') return v;
  return String(v);
}

/** `YYYY-MM-DD HH:MM:SS` of a DuckDB TIMESTAMP (which node-api hands over as a UTC Date). */
export function formatTimestamp(d: Date): string {
  return d.toISOString().slice(0, 19).replace('T', ' ');
}

