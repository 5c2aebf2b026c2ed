/**
 * The filter compiler: one AG Grid filter (text, number, date, set; blank/notBlank) on one catalogue
 * column, turned into a SQL condition. Values only ever go in as parameters.
 */
import type { SimpleFilterModel } from '../../../shared/contract/responses';
import { AppError } from '../../../shared/contract/result';
import type { ColumnDef } from './grid-catalogue';

/** The error for a filter that cannot be compiled, naming the column. */
export function invalidFilter(colId: string, why: string): AppError {
  return new AppError('INVALID_INPUT', 'error.responses.invalidFilter', { column: colId, reason: why }, { colId });
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2})?$/;
const NUMBER_RE = /^-?\d+(\.\d+)?$/;

/** The SQL condition of one simple filter on `col`; `param` adds a parameter and returns its placeholder. */
export function filterSql(col: ColumnDef, model: SimpleFilterModel, param: (v: string | number) => string): string {
  if (typeof model !== 'object' || model === null) throw invalidFilter(col.colId, 'not an object');
  if (model.filterType === 'set') {
    if (!Array.isArray(model.values) || model.values.some((v) => typeof v !== 'string')) throw invalidFilter(col.colId, 'set filter needs a list of values');
    // No value chosen matches no row (the grid's words matched none of the stored ones).
    return model.values.length === 0 ? 'FALSE' : `${col.sql} IN (${model.values.map((v) => param(v)).join(', ')})`;
  }
  if (model.type === 'blank') return col.type === 'text' ? `(${col.sql} IS NULL OR ${col.sql} = '')` : `${col.sql} IS NULL`;
  if (model.type === 'notBlank') return col.type === 'text' ? `(${col.sql} IS NOT NULL AND ${col.sql} <> '')` : `${col.sql} IS NOT NULL`;
  switch (model.filterType) {
    case 'text': {
      if (typeof model.filter !== 'string') throw invalidFilter(col.colId, 'text filter needs a string');
      // Text filters work on any column (IDs too, exactly as shown), case-insensitively like AG Grid.
      const subject = col.type === 'text' ? `lower(${col.sql})` : col.type === 'date' ? `strftime(${col.sql}, '%Y-%m-%d %H:%M:%S')` : `CAST(${col.sql} AS VARCHAR)`;
      const p = `lower(${param(model.filter)})`;
      switch (model.type) {
        case 'equals':
          return `${subject} = ${p}`;
        case 'notEqual':
          return `(${subject} IS NULL OR ${subject} <> ${p})`;
        case 'contains':
          return `contains(${subject}, ${p})`;
        case 'notContains':
          return `(${subject} IS NULL OR NOT contains(${subject}, ${p}))`;
        case 'startsWith':
          return `starts_with(${subject}, ${p})`;
        case 'endsWith':
          return `ends_with(${subject}, ${p})`;
        default:
          throw invalidFilter(col.colId, `unknown text filter type "${String((model as { type: unknown }).type)}"`);
      }
    }
    case 'number': {
      if (col.type !== 'number' && col.type !== 'id') throw invalidFilter(col.colId, 'number filter on a non-numeric column');
      const cast = col.type === 'id' ? 'BIGINT' : 'DOUBLE';
      const value = (v: unknown): string => {
        const s = typeof v === 'number' && Number.isFinite(v) ? String(v) : typeof v === 'string' ? v.trim() : '';
        if (!NUMBER_RE.test(s) || (cast === 'BIGINT' && !/^-?\d{1,19}$/.test(s))) throw invalidFilter(col.colId, `"${String(v)}" is not a number`);
        return `CAST(${param(s)} AS ${cast})`;
      };
      const ops: Record<string, string> = { equals: '=', notEqual: '<>', lessThan: '<', lessThanOrEqual: '<=', greaterThan: '>', greaterThanOrEqual: '>=' };
      if (model.type === 'inRange') return `(${col.sql} >= ${value(model.filter)} AND ${col.sql} <= ${value(model.filterTo)})`;
      const op = ops[model.type];
      if (!op) throw invalidFilter(col.colId, `unknown number filter type "${String(model.type)}"`);
      return `${col.sql} ${op} ${value(model.filter)}`;
    }
    case 'date': {
      if (col.type !== 'date') throw invalidFilter(col.colId, 'date filter on a non-date column');
      const day = (v: unknown): string => {
        if (typeof v !== 'string' || !DATE_RE.test(v.trim())) throw invalidFilter(col.colId, `"${String(v)}" is not a date (YYYY-MM-DD)`);
        return `CAST(${param(v.trim().slice(0, 10))} AS DATE)`;
      };
      // AG Grid's date filter compares whole days; written as ranges so zone maps can prune.
      switch (model.type) {
        case 'equals': {
          const d = day(model.dateFrom);
          return `(${col.sql} >= ${d} AND ${col.sql} < ${d} + INTERVAL 1 DAY)`;
        }
        case 'notEqual': {
          const d = day(model.dateFrom);
          return `(${col.sql} < ${d} OR ${col.sql} >= ${d} + INTERVAL 1 DAY)`;
        }
        case 'lessThan':
          return `${col.sql} < ${day(model.dateFrom)}`;
        case 'greaterThan':
          return `${col.sql} >= ${day(model.dateFrom)} + INTERVAL 1 DAY`;
        case 'inRange':
          return `(${col.sql} >= ${day(model.dateFrom)} AND ${col.sql} < ${day(model.dateTo)} + INTERVAL 1 DAY)`;
        default:
          throw invalidFilter(col.colId, `unknown date filter type "${String((model as { type: unknown }).type)}"`);
      }
    }
    default:
      throw invalidFilter(col.colId, `unknown filterType "${String((model as { filterType: unknown }).filterType)}"`);
  }
}

/** A DuckDB error from a filter value that does not fit its column becomes INVALID_INPUT; any other error passes through. */
export function asQueryError(e: unknown): Error {
  const message = e instanceof Error ? e.message : String(e);
  if (/Conversion Error|Could not convert/i.test(message)) {
    return new AppError('INVALID_INPUT', 'error.responses.filterValue', { reason: message.split('\n')[0] ?? '' });
  }
  return e instanceof Error ? e : new Error(message);
}
