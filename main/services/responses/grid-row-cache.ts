/**
 * The grid row cache: per database, the sorted and filtered rowid lists of the big-table views
 * (kept as TEMP tables so deep blocks page by rowid) and the filtered row counts, both
 * invalidated by the data version every writer of response tables bumps.
 */
import type { GridRequest } from '../../../shared/contract/responses';
import type { Database } from '../store/database';
import { asQueryError } from './grid-filter-sql';

type GridQuery = GridRequest;

/** One cached sorted rowid list: its request key, its TEMP table and its row count. */
export interface RowCacheEntry {
  readonly key: string;
  readonly table: string;
  readonly rows: number;
}

/** Per database: the data version (bumped by every write), the cached row lists and filtered row counts. */
const ROW_CACHES = new WeakMap<Database, CacheState>();

interface CacheState {
  version: number;
  entries: RowCacheEntry[];
  next: number;
  /** Filtered counts, finished or under way, by data version + view + filter + scope. */
  counts?: Map<string, Promise<number>>;
  /** The finished ones of {@link counts}. */
  counted?: Map<string, number>;
}

/**
 * Blocks ending at or before this row are answered by DuckDB's top-N directly (see queryRows);
 * deeper ones page through the sorted rowid list, whose one sort pays off over many blocks.
 */
export const DIRECT_BLOCK_LIMIT = 10_000;

/** The cache state of one database, created on first use. */
function cacheState(db: Database): CacheState {
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

/** Whether the sorted rowid list of this request (sort + filter + scope) is cached already. */
export function hasSortedRows(db: Database, query: GridQuery): boolean {
  const state = cacheState(db);
  const key = sortedKey(state.version, query);
  return state.entries.some((e) => e.key === key);
}

function countKey(version: number, query: Pick<GridQuery, 'view' | 'filterModel' | 'scope'>): string {
  return JSON.stringify([version, query.view, query.filterModel ?? null, query.scope ?? null]);
}

/**
 * The filtered row count of a view, kept per data version and filter (a sort change keeps it).
 * It is counted on a reader connection of its own (`db.onReader`), so the blocks a grid asks
 * for meanwhile are not held up behind a scan of every row; callers asking while it runs
 * share the one count.
 */
export function filteredCount(db: Database, query: Pick<GridQuery, 'view' | 'filterModel' | 'scope'>, countSql: string, params: readonly (string | number)[]): Promise<number> {
  const state = cacheState(db);
  const key = countKey(state.version, query);
  state.counts ??= new Map();
  state.counted ??= new Map();
  const known = state.counts.get(key);
  if (known !== undefined) return known;
  if (state.counts.size >= 32) {
    state.counts.clear();
    state.counted.clear();
  }
  const counted = state.counted;
  const counting = db
    .onReader(async (connection) => Number((await connection.runAndReadAll(countSql, [...params])).getRowObjectsJS()[0]?.n ?? 0))
    .then(
      (n) => {
        counted.set(key, n);
        return n;
      },
      (e: unknown) => {
        state.counts?.delete(key);
        throw asQueryError(e);
      },
    );
  state.counts.set(key, counting);
  return counting;
}

/** The filtered row count if it has been counted already for this data version, else undefined. */
export function countIfKnown(db: Database, query: Pick<GridQuery, 'view' | 'filterModel' | 'scope'>): number | undefined {
  const state = cacheState(db);
  return state.counted?.get(countKey(state.version, query));
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

/**
 * The sorted rowid list of a request, built once per sort + filter + scope as a TEMP table and
 * kept (least recently used dropped first) so later deep blocks only look rows up by position.
 */
export async function sortedRowCache(db: Database, query: GridQuery, rowKeysSql: string, params: readonly (string | number)[]): Promise<RowCacheEntry> {
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
  state.counted ??= new Map();
  state.counts.set(countKey(state.version, query), Promise.resolve(entry.rows));
  state.counted.set(countKey(state.version, query), entry.rows);
  const kept = [...state.entries.filter((e) => e.table !== table), entry];
  for (const gone of kept.slice(0, -ROW_CACHE_SIZE)) await db.run(`DROP TABLE IF EXISTS ${gone.table}`);
  state.entries = kept.slice(-ROW_CACHE_SIZE);
  return entry;
}

