import {
  GridView,
  type GridColumn,
  type GridColumnType,
  type GridRequest,
  type GridResult,
  type GridRow,
  type GridViewName,
  type SimpleFilterModel,
  type SortModelItem,
} from '../../../shared/contract/responses';
import { AppError } from '../../../shared/contract/result';
import type { Database } from '../store/database';
import { RESPONSE_KINDS, type ResponseColumnType, type ResponseKindName } from './response-kinds';

export type {
  CombinedFilterModel,
  DateFilterModel,
  FilterModel,
  GridColumn,
  GridColumnType,
  GridResult,
  GridRow,
  GridViewName,
  NumberFilterModel,
  SimpleFilterModel,
  SortModelItem,
  TextFilterModel,
} from '../../../shared/contract/responses';

/** Views the grids can query. */
export const GRID_VIEW_NAMES = GridView.options;

/**
 * A grid request (AG Grid infinite row model's getRows params, plus scope): `startRow` inclusive,
 * `endRow` exclusive; `scope.userId` is required for `recipient_journey`, `scope.mailingId`
 * narrows any view that has `mailing_id`.
 */
export type GridQuery = GridRequest;

interface ColumnDef extends GridColumn {
  /** SQL expression, ours only. */
  readonly sql: string;
}

interface ViewDef {
  readonly columns: readonly ColumnDef[];
  /** The FROM source; `$scope` placeholders are filled by {@link scopeSql}. */
  readonly from: (scope: ScopeSql) => string;
  /** Appended to every ORDER BY so paging is deterministic. */
  readonly tieBreak: string;
  readonly defaultSort: readonly SortModelItem[];
  readonly requiresUser?: boolean;
  /**
   * For views over one big table: the expression holding that table's rowid. Such views
   * page through a cached, sorted rowid list instead of sorting all columns per block.
   */
  readonly rowKey?: string;
}

interface ScopeSql {
  /** `AND …` for the user scope, or ''. */
  readonly user: (alias: string) => string;
  readonly mailing: (alias: string) => string;
  /** `AND rowid IN (…)` when fetching known rows of a `rowKey` view, or ''. */
  readonly rows: () => string;
}

const c = (colId: string, title: string, type: GridColumnType, sql = colId): ColumnDef => ({ colId, title, type, sql });

const BOUNCE_CATEGORIES = `('bounce', 'temporary_bounce', 'fatal_bounce')`;

function tableView(table: string, columns: ColumnDef[], defaultSort: SortModelItem[]): ViewDef {
  const hasMailing = columns.some((x) => x.colId === 'mailing_id');
  const hasUser = columns.some((x) => x.colId === 'user_id');
  return {
    columns: columns.map((x) => ({ ...x, sql: `t.${x.sql}` })),
    from: (s) => `(SELECT rowid AS _rid, * FROM ${table} WHERE TRUE ${s.rows()} ${hasMailing ? s.mailing('') : ''} ${hasUser ? s.user('') : ''}) t`,
    tieBreak: 't._rid',
    rowKey: 't._rid',
    defaultSort,
  };
}

/** Grid titles of the response tables' columns; a view may name one differently. */
const TITLES: Readonly<Record<string, string>> = {
  compound_master_id: 'Campaign ID',
  mailing_id: 'Mailing ID',
  mailing_to_user_id: 'Mailing-to-user ID',
  mailing_group_id: 'Mailing group ID',
  link_id: 'Link ID',
  user_id: 'Recipient',
  created: 'Time',
  recipient_lists: 'Recipient lists',
  started: 'Started',
  finished: 'Finished',
  sending_status: 'Sending status',
  delivery_status: 'Delivery status',
  response_category: 'Response category',
  name: 'Link name',
  url: 'URL',
  category: 'Category',
  click_browser: 'Browser',
  click_platform: 'Platform',
  click_device: 'Device',
  open_browser: 'Browser',
  open_platform: 'Platform',
  open_device: 'Device',
};

const GRID_TYPE: Readonly<Record<ResponseColumnType, GridColumnType>> = { BIGINT: 'id', TIMESTAMP: 'date', VARCHAR: 'text' };

/** The grid columns of one response table, as response-kinds.ts defines them, in order. */
function kindColumns(kind: ResponseKindName, titles: Readonly<Record<string, string>> = {}): ColumnDef[] {
  return RESPONSE_KINDS[kind].columns.map((x) => c(x.column, titles[x.column] ?? TITLES[x.column] ?? x.column, GRID_TYPE[x.type]));
}

/** A grid over one response table, all its columns. */
function kindView(kind: ResponseKindName, defaultSort: SortModelItem[], titles: Readonly<Record<string, string>> = {}): ViewDef {
  return tableView(RESPONSE_KINDS[kind].table, kindColumns(kind, titles), defaultSort);
}

/** The columns every event table has (an unsubscribe is nothing but them). */
const EVENT_COMMON = kindColumns('unsubscribes');

const NEWEST_FIRST: SortModelItem[] = [{ colId: 'created', sort: 'desc' }];

const VIEWS: Readonly<Record<GridViewName, ViewDef>> = {
  mailings: kindView('mailings', [{ colId: 'started', sort: 'desc' }], { id: 'Mailing ID' }),
  mailing_recipients: kindView('mailingrecipients', NEWEST_FIRST, { created: 'Sent' }),
  links: kindView('links', [{ colId: 'id', sort: 'asc' }], { id: 'Link ID' }),
  clicks: kindView('clicks', NEWEST_FIRST),
  opens: kindView('opens', NEWEST_FIRST),
  unsubscribes: kindView('unsubscribes', NEWEST_FIRST),
  responses: kindView('responses', NEWEST_FIRST),
  clicks_with_links: {
    columns: [
      c('link_id', 'Link ID', 'id', 'k.link_id'),
      c('link_name', 'Link name', 'text', 'l.name'),
      c('url', 'URL', 'text', 'l.url'),
      ...EVENT_COMMON.map((x) => ({ ...x, sql: `k.${x.sql}` })),
      c('click_browser', 'Browser', 'text', 'k.click_browser'),
      c('click_platform', 'Platform', 'text', 'k.click_platform'),
      c('click_device', 'Device', 'text', 'k.click_device'),
    ],
    // Links may repeat across daily files (and per recipient); one name/url per link.
    from: (s) => `(SELECT rowid AS _rid, * FROM clicks WHERE TRUE ${s.rows()} ${s.mailing('')} ${s.user('')}) k
      LEFT JOIN (SELECT id, mailing_id, any_value(name) AS name, any_value(url) AS url FROM links GROUP BY id, mailing_id) l
      ON l.id = k.link_id AND l.mailing_id = k.mailing_id`,
    tieBreak: 'k._rid',
    rowKey: 'k._rid',
    defaultSort: [{ colId: 'created', sort: 'desc' }],
  },
  recipient_journey: {
    columns: [
      c('created', 'Time', 'date', 'j.created'),
      c('event', 'Event', 'text', 'j.event'),
      c('mailing_id', 'Mailing ID', 'id', 'j.mailing_id'),
      c('mailing_to_user_id', 'Mailing-to-user ID', 'id', 'j.mailing_to_user_id'),
      c('user_id', 'Recipient', 'text', 'j.user_id'),
      c('detail', 'Detail', 'text', 'j.detail'),
    ],
    from: (s) => `(
      SELECT created, 'sent' AS event, 1 AS step, mailing_id, mailing_to_user_id, user_id, sending_status AS detail FROM mailing_recipients WHERE TRUE ${s.user('')} ${s.mailing('')}
      UNION ALL SELECT created, 'open', 2, mailing_id, mailing_to_user_id, user_id, concat_ws(' / ', open_device, open_platform, open_browser) FROM opens WHERE TRUE ${s.user('')} ${s.mailing('')}
      UNION ALL SELECT k.created, 'click', 3, k.mailing_id, k.mailing_to_user_id, k.user_id, coalesce(l.name || ' ', '') || coalesce(l.url, CAST(k.link_id AS VARCHAR))
        FROM clicks k LEFT JOIN (SELECT id, mailing_id, any_value(name) AS name, any_value(url) AS url FROM links GROUP BY id, mailing_id) l ON l.id = k.link_id AND l.mailing_id = k.mailing_id
        WHERE TRUE ${s.user('k.')} ${s.mailing('k.')}
      UNION ALL SELECT created, CASE WHEN category = 'fatal_bounce' THEN 'hard bounce' WHEN category IN ('bounce', 'temporary_bounce') THEN 'soft bounce' ELSE 'response' END, 4,
        mailing_id, mailing_to_user_id, user_id, category FROM responses WHERE TRUE ${s.user('')} ${s.mailing('')}
      UNION ALL SELECT created, 'unsubscribe', 5, mailing_id, mailing_to_user_id, user_id, NULL FROM unsubscribes WHERE TRUE ${s.user('')} ${s.mailing('')}
    ) j`,
    tieBreak: 'j.step, j.mailing_id, j.detail',
    defaultSort: [{ colId: 'created', sort: 'asc' }],
    requiresUser: true,
  },
  bounces_by_category: {
    columns: [
      c('mailing_id', 'Mailing ID', 'id', 'b.mailing_id'),
      c('category', 'Category', 'text', 'b.category'),
      c('bounce_class', 'Class', 'text', 'b.bounce_class'),
      c('recipients', 'Recipients', 'number', 'b.recipients'),
      c('events', 'Events', 'number', 'b.events'),
      c('first_at', 'First', 'date', 'b.first_at'),
      c('last_at', 'Last', 'date', 'b.last_at'),
    ],
    from: (s) => `(
      SELECT mailing_id, category, CASE WHEN category = 'fatal_bounce' THEN 'hard' ELSE 'soft' END AS bounce_class,
        count(DISTINCT mailing_to_user_id) AS recipients, count(*) AS events, min(created) AS first_at, max(created) AS last_at
      FROM (
        SELECT mailing_id, mailing_to_user_id, user_id, category, created FROM responses WHERE category IN ${BOUNCE_CATEGORIES} ${s.mailing('')} ${s.user('')}
        UNION ALL SELECT mailing_id, mailing_to_user_id, user_id, response_category, created FROM mailing_recipients WHERE response_category IN ${BOUNCE_CATEGORIES} ${s.mailing('')} ${s.user('')}
      ) GROUP BY mailing_id, category
    ) b`,
    tieBreak: 'b.mailing_id, b.category',
    defaultSort: [{ colId: 'mailing_id', sort: 'desc' }],
  },
};

/** The columns of a view (the allowlist), for grid column definitions and exports. */
export function gridColumns(view: GridViewName): readonly GridColumn[] {
  return viewDef(view).columns.map(({ colId, title, type }) => ({ colId, title, type }));
}

/** A compiled grid query: SQL and its parameters; nothing from the caller is in the text. */
export interface CompiledGridQuery {
  readonly select: string;
  readonly count: string;
  /** For `rowKey` views: the sorted, filtered rowids (no paging). */
  readonly rowKeys: string | null;
  readonly rowKeyAlias: string | null;
  readonly params: readonly (string | number)[];
  readonly columns: readonly GridColumn[];
}

/**
 * Compiles a grid request to SQL. Column names come only from the view's allowlist
 * (an unknown colId is refused), values only as parameters. `limit`/`offset` are checked
 * integers; pass `null` for no paging (exports).
 */
export function compileGridQuery(
  query: Omit<GridQuery, 'startRow' | 'endRow'>,
  paging: { readonly offset: number; readonly limit: number } | null,
  rowIds: readonly bigint[] | null = null,
): CompiledGridQuery {
  const def = viewDef(query.view);
  const params: (string | number)[] = [];
  const param = (v: string | number): string => {
    params.push(v);
    return `$${params.length}`;
  };
  const scopeUser = query.scope?.userId;
  const scopeMailing = query.scope?.mailingId;
  if (def.requiresUser && !scopeUser) {
    throw new AppError('INVALID_INPUT', `The ${query.view} view needs a recipient (scope.userId). Pick a recipient first.`);
  }
  if (scopeMailing !== undefined && !/^-?\d{1,19}$/.test(scopeMailing)) {
    throw new AppError('INVALID_INPUT', `Mailing ID "${scopeMailing}" is not a number. Use the numeric mailing ID.`);
  }
  // One parameter per scope value, referenced from every branch of a union.
  const userParam = scopeUser ? param(scopeUser) : null;
  const mailingParam = scopeMailing ? param(scopeMailing) : null;
  const scope: ScopeSql = {
    user: (a) => (userParam ? `AND ${a}user_id = ${userParam}` : ''),
    mailing: (a) => (mailingParam ? `AND ${a}mailing_id = CAST(${mailingParam} AS BIGINT)` : ''),
    // bigint values we read ourselves, printed as integers: nothing from the caller.
    // The BETWEEN lets DuckDB skip row groups (an IN list alone scans the whole table);
    // rows of one block are usually close together because ingest stores them in time order.
    rows: () => (rowIds ? rowIdFilter(rowIds) : ''),
  };
  const byId = new Map(def.columns.map((x) => [x.colId, x]));
  const column = (colId: string): ColumnDef => {
    const found = byId.get(colId);
    if (!found) {
      throw new AppError('INVALID_INPUT', `Column "${colId}" is not available in the ${query.view} view. Reset the grid's columns.`, {
        colId,
        allowed: [...byId.keys()],
      });
    }
    return found;
  };

  const where: string[] = [];
  for (const [colId, model] of Object.entries(query.filterModel ?? {})) {
    const col = column(colId);
    if ('conditions' in model && Array.isArray(model.conditions)) {
      if (model.operator !== 'AND' && model.operator !== 'OR') throw invalidFilter(colId, 'operator must be AND or OR');
      const parts = model.conditions.map((m) => filterSql(col, m, param));
      if (parts.length > 0) where.push(`(${parts.join(` ${model.operator} `)})`);
    } else {
      where.push(filterSql(col, model as SimpleFilterModel, param));
    }
  }

  const sorts = query.sortModel && query.sortModel.length > 0 ? query.sortModel : def.defaultSort;
  const orderBy = sorts.map((s) => {
    if (s.sort !== 'asc' && s.sort !== 'desc') throw new AppError('INVALID_INPUT', `Sort direction must be asc or desc, not "${String(s.sort)}".`);
    const col = column(s.colId);
    const dir = s.sort === 'asc' ? 'ASC NULLS FIRST' : 'DESC NULLS LAST';
    // Text sorts ignore case, as the text filters do; the exact text then keeps the order stable.
    return col.type === 'text' ? `lower(${col.sql}) ${dir}, ${col.sql} ${dir}` : `${col.sql} ${dir}`;
  });
  orderBy.push(def.tieBreak);

  const selectList = def.columns.map((x) => `${x.sql} AS "${x.colId}"`).join(', ');
  const whereSql = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
  let paging_ = '';
  if (paging) {
    if (!Number.isSafeInteger(paging.offset) || paging.offset < 0 || !Number.isSafeInteger(paging.limit) || paging.limit < 0) {
      throw new AppError('INVALID_INPUT', 'startRow/endRow must be non-negative integers with endRow >= startRow.');
    }
    paging_ = `LIMIT ${paging.limit} OFFSET ${paging.offset}`;
  }
  return {
    select: `SELECT ${selectList} FROM ${def.from(scope)} ${whereSql} ORDER BY ${orderBy.join(', ')} ${paging_}`,
    count: `SELECT count(*) AS n FROM ${def.from(scope)} ${whereSql}`,
    rowKeys: def.rowKey ? `SELECT ${def.rowKey} AS _rid FROM ${def.from(scope)} ${whereSql} ORDER BY ${orderBy.join(', ')}` : null,
    rowKeyAlias: def.rowKey ? '_rid' : null,
    params,
    columns: def.columns.map(({ colId, title, type }) => ({ colId, title, type })),
  };
}

/** Maximum rows one grid request may fetch (AG Grid blocks are 100 by default). */
export const MAX_GRID_BLOCK = 10_000;

/**
 * Fetches one block of a grid view, sorted and filtered in SQL.
 * `lastRow` is the filtered row count, so AG Grid can size its scrollbar.
 */
export async function queryRows(db: Database, query: GridQuery): Promise<GridResult> {
  const limit = query.endRow - query.startRow;
  if (!Number.isSafeInteger(query.startRow) || query.startRow < 0 || !Number.isSafeInteger(limit) || limit < 0 || limit > MAX_GRID_BLOCK) {
    throw new AppError('INVALID_INPUT', `Rows ${query.startRow}..${query.endRow} is not a valid block (at most ${MAX_GRID_BLOCK} rows, startRow >= 0).`);
  }
  const compiled = compileGridQuery(query, { offset: query.startRow, limit });
  const run = async <T>(sql: string, params: readonly (string | number)[] = compiled.params): Promise<T[]> => {
    try {
      return await db.all<T>(sql, [...params]);
    } catch (e) {
      throw asQueryError(e);
    }
  };
  if (compiled.rowKeys && query.endRow <= DIRECT_BLOCK_LIMIT && !hasSortedRows(db, query)) {
    // The top of a big table after a sort or filter change: DuckDB's top-N answers the block
    // itself as fast as the bare query (measured on 10M clicks: 0.16 s, where sorting every
    // rowid first took 3.2 s). The row count depends on the filter only, so it is kept per
    // filter: a sort change needs no count.
    const rows = await run<Record<string, unknown>>(compiled.select);
    const lastRow = rows.length < limit ? query.startRow + rows.length : await filteredCount(db, query, compiled.count, compiled.params);
    return { rows: rows.map((r) => toGridRow(r, compiled.columns)), lastRow };
  }
  if (compiled.rowKeys) {
    // Deep blocks of big tables: sort only (key, rowid) once per sort/filter, keep that
    // list, then fetch each block's rows by rowid. AG Grid asks block after block with
    // the same sort and filter, so only the first deep block after a change pays the sort
    // (DuckDB's own LIMIT/OFFSET at offset 5M of 10M took 7.5 s; this 2.2 s, then ~0.1 s).
    const cache = await sortedRowCache(db, query, compiled.rowKeys, compiled.params);
    const ids = (await run<{ _rid: bigint }>(`SELECT _rid FROM ${cache.table} WHERE rowid >= ${query.startRow} AND rowid < ${query.endRow} ORDER BY rowid`, [])).map((r) => r._rid);
    if (ids.length === 0) return { rows: [], lastRow: cache.rows };
    const fetched = compileGridQuery(query, null, ids);
    const found = await run<Record<string, unknown>>(fetched.select.replace(/^SELECT /, `SELECT ${compiled.rowKeyAlias === '_rid' ? ridExpr(query.view) : 'NULL'} AS _rid, `), fetched.params);
    const byId = new Map(found.map((r) => [String(r._rid), r]));
    const rows = ids.map((id) => byId.get(String(id))).filter((r): r is Record<string, unknown> => r !== undefined);
    return { rows: rows.map((r) => toGridRow(r, compiled.columns)), lastRow: cache.rows };
  }
  const rows = await run<Record<string, unknown>>(compiled.select);
  // A short block is the last one; only then is the count free.
  const lastRow = rows.length < limit || (limit === 0 && query.startRow === 0) ? query.startRow + rows.length : Number((await run<{ n: bigint }>(compiled.count))[0]?.n ?? 0);
  return { rows: rows.map((r) => toGridRow(r, compiled.columns)), lastRow };
}

function rowIdFilter(rowIds: readonly bigint[]): string {
  if (rowIds.length === 0) return 'AND FALSE';
  let min = rowIds[0]!;
  let max = rowIds[0]!;
  for (const r of rowIds) {
    if (r < min) min = r;
    if (r > max) max = r;
  }
  return `AND rowid BETWEEN ${BigInt(min).toString()} AND ${BigInt(max).toString()} AND rowid IN (${rowIds.map((r) => BigInt(r).toString()).join(', ')})`;
}

function ridExpr(view: GridViewName): string {
  return viewDef(view).rowKey ?? 'NULL';
}

interface RowCacheEntry {
  readonly key: string;
  readonly table: string;
  readonly rows: number;
}

/** Per database: the data version (bumped by every write), the cached row lists and filtered row counts. */
const ROW_CACHES = new WeakMap<Database, { version: number; entries: RowCacheEntry[]; next: number; counts?: Map<string, number> }>();

/**
 * Blocks ending at or before this row are answered by DuckDB's top-N directly (see queryRows);
 * deeper ones page through the sorted rowid list, whose one sort pays off over many blocks.
 */
export const DIRECT_BLOCK_LIMIT = 10_000;

function cacheState(db: Database): { version: number; entries: RowCacheEntry[]; next: number; counts?: Map<string, number> } {
  let state = ROW_CACHES.get(db);
  if (!state) {
    state = { version: 0, entries: [], next: 0 };
    ROW_CACHES.set(db, state);
  }
  return state;
}

function sortedKey(version: number, query: GridQuery): string {
  return JSON.stringify([version, query.view, query.sortModel ?? null, query.filterModel ?? null, query.scope ?? null]);
}

function hasSortedRows(db: Database, query: GridQuery): boolean {
  const state = cacheState(db);
  const key = sortedKey(state.version, query);
  return state.entries.some((e) => e.key === key);
}

/** The filtered row count of a view, kept per data version and filter (a sort change keeps it). */
async function filteredCount(db: Database, query: GridQuery, countSql: string, params: readonly (string | number)[]): Promise<number> {
  const state = cacheState(db);
  const key = JSON.stringify([state.version, query.view, query.filterModel ?? null, query.scope ?? null]);
  state.counts ??= new Map();
  const known = state.counts.get(key);
  if (known !== undefined) return known;
  let n: number;
  try {
    n = Number((await db.all<{ n: bigint }>(countSql, [...params]))[0]?.n ?? 0);
  } catch (e) {
    throw asQueryError(e);
  }
  if (state.counts.size >= 32) state.counts.clear();
  state.counts.set(key, n);
  return n;
}

/** How many sorted row lists stay cached (each is 8 bytes per row). */
const ROW_CACHE_SIZE = 2;

/**
 * Invalidates cached grid orderings; every writer of response tables calls it
 * (ingest, retention). A stale list would page through rows that moved or vanished.
 */
export function bumpGridDataVersion(db: Database): void {
  const state = ROW_CACHES.get(db);
  if (state) {
    state.version++;
    state.counts?.clear();
  }
}

async function sortedRowCache(db: Database, query: GridQuery, rowKeysSql: string, params: readonly (string | number)[]): Promise<RowCacheEntry> {
  const state = cacheState(db);
  const key = sortedKey(state.version, query);
  const hit = state.entries.find((e) => e.key === key);
  if (hit) {
    // Most recently used last, so eviction drops the oldest.
    state.entries = [...state.entries.filter((e) => e !== hit), hit];
    return hit;
  }
  const table = `grid_rows_${state.next++ % (ROW_CACHE_SIZE + 1)}`;
  // TEMP tables live in this process's connection only and keep insertion order (= rowid).
  try {
    await db.run(`CREATE OR REPLACE TEMP TABLE ${table} AS ${rowKeysSql}`, [...params]);
  } catch (e) {
    throw asQueryError(e);
  }
  const [{ n }] = await db.all<{ n: bigint }>(`SELECT count(*) AS n FROM ${table}`);
  const entry = { key, table, rows: Number(n) };
  // The same count serves the shallow blocks of any sort of this filter.
  state.counts ??= new Map();
  state.counts.set(JSON.stringify([state.version, query.view, query.filterModel ?? null, query.scope ?? null]), entry.rows);
  const kept = [...state.entries.filter((e) => e.table !== table), entry];
  for (const gone of kept.slice(0, -ROW_CACHE_SIZE)) await db.run(`DROP TABLE IF EXISTS ${gone.table}`);
  state.entries = kept.slice(-ROW_CACHE_SIZE);
  return entry;
}

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

function viewDef(view: string): ViewDef {
  const def = (VIEWS as Record<string, ViewDef | undefined>)[view];
  if (!def || !Object.prototype.hasOwnProperty.call(VIEWS, view)) {
    throw new AppError('INVALID_INPUT', `Unknown view "${view}". Known views: ${GRID_VIEW_NAMES.join(', ')}.`);
  }
  return def;
}

function invalidFilter(colId: string, why: string): AppError {
  return new AppError('INVALID_INPUT', `The filter on "${colId}" is not valid: ${why}. Clear the filter and set it again.`, { colId });
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2})?$/;
const NUMBER_RE = /^-?\d+(\.\d+)?$/;

function filterSql(col: ColumnDef, model: SimpleFilterModel, param: (v: string | number) => string): string {
  if (typeof model !== 'object' || model === null) throw invalidFilter(col.colId, 'not an object');
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

function asQueryError(e: unknown): Error {
  const message = e instanceof Error ? e.message : String(e);
  if (/Conversion Error|Could not convert/i.test(message)) {
    return new AppError('INVALID_INPUT', `A filter value does not fit its column: ${message.split('\n')[0]}. Correct the filter.`);
  }
  return e instanceof Error ? e : new Error(message);
}
