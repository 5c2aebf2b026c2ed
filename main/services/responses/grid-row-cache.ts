/**
 * The grid row cache: per database, the sorted and filtered rowid lists of the big-table views
 * (kept in memory as typed arrays, so a deep block is a slice of the list and one fetch of
 * its rows) and the filtered row counts, both invalidated by the data version every writer
 * of response tables bumps.
 */
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import type { GridRequest } from '../../../shared/contract/responses';
import type { Database } from '../store/database';
import { asQueryError } from './grid-filter-sql';

type GridQuery = GridRequest;

/** The rowids one source file's rows span in its table (every row of that file lies in between). */
export interface FileRowRange {
  readonly file: number;
  readonly lo: number;
  readonly hi: number;
}

/** One cached sorted rowid list: its request key, the rowids in grid order and the table's file ranges. */
export interface RowCacheEntry {
  readonly key: string;
  /** Rowids in the grid's order: 4 bytes a row (8 only for tables with rowids beyond 2^32). */
  readonly ids: Uint32Array | Float64Array;
  readonly rows: number;
  /** Per source file of the view's table, its rowid range, read in the same snapshot as {@link ids}. */
  readonly files: readonly FileRowRange[];
}

/** Per database: the data version (bumped by every write), the cached row lists and filtered row counts. */
const ROW_CACHES = new WeakMap<Database, CacheState>();

interface CacheState {
  version: number;
  /** The database's {@link Database.rewrites} the cached rowids belong to. */
  rewrites: number;
  /** Most recently used last; a list being built is there as its promise. */
  entries: { readonly key: string; readonly building: Promise<RowCacheEntry>; ready?: RowCacheEntry }[];
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
    state = { version: 0, rewrites: db.rewrites, entries: [] };
    ROW_CACHES.set(db, state);
  }
  // A compaction rewrote the file since the lists were built: their rowids point elsewhere now.
  if (state.rewrites !== db.rewrites) {
    bumpGridDataVersion(db);
    state.rewrites = db.rewrites;
  }
  return state;
}

function sortedKey(version: number, query: GridQuery): string {
  return JSON.stringify([version, query.view, query.sortModel ?? null, query.filterModel ?? null, query.scope ?? null]);
}

/** Whether the sorted rowid list of this request (sort + filter + scope) is built already. */
export function hasSortedRows(db: Database, query: GridQuery): boolean {
  const state = cacheState(db);
  const key = sortedKey(state.version, query);
  return state.entries.some((e) => e.key === key && e.ready !== undefined);
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

/**
 * How many sorted row lists stay cached: each is 4 bytes per row (32 MB for the 8M rows of a
 * filtered 10M-click view), held in this process, not in DuckDB. Measured on 10M clicks: the
 * build (sort, copy into the array) takes 1.3-2x the TEMP table this replaced (still 0.3-0.5x
 * DuckDB's own LIMIT/OFFSET at offset 5M) and raises the peak RSS by ~75 MB while DuckDB's
 * result and the array exist side by side; a warm block then takes ~2.5 ms instead of ~15 ms.
 */
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
    // Unreachable now (their keys carry the old version); dropped so their memory goes at once.
    state.entries = [];
  }
}

/**
 * The sorted rowid list of a request, built once per sort + filter + scope and kept (least
 * recently used dropped first), so later deep blocks only slice it. It is built on a reader
 * connection of its own: the sort of every matching row (seconds on 10M rows) does not hold
 * up other statements, and requests for the same list meanwhile share the one build.
 * `rowKeysSql` returns the rowids (`_rid`) in grid order; `table` is the view's base table.
 */
export function sortedRowCache(db: Database, query: GridQuery, rowKeysSql: string, params: readonly (string | number)[], table: string): Promise<RowCacheEntry> {
  const state = cacheState(db);
  const version = state.version;
  const key = sortedKey(version, query);
  const hit = state.entries.find((e) => e.key === key);
  if (hit) {
    // Most recently used last, so eviction drops the oldest.
    state.entries = [...state.entries.filter((e) => e !== hit), hit];
    return hit.building;
  }
  const slot: CacheState['entries'][number] = {
    key,
    building: db
      .onReader(async (connection) => {
        // One read transaction: the file ranges and the rowids come from the same snapshot.
        await connection.run('BEGIN TRANSACTION');
        try {
          const files = await readFileRanges(connection, table);
          const ids = await readRowIds(connection, rowKeysSql, params, files.every((f) => f.hi <= 0xffffffff));
          return { key, ids, rows: ids.length, files };
        } finally {
          // Nothing was written; ending it this way also works after a failed statement.
          await connection.run('ROLLBACK').catch(() => undefined);
        }
      })
      .then(
        (entry) => {
          slot.ready = entry;
          if (state.version === version) {
            // The same count serves the shallow blocks of any sort of this filter.
            state.counts ??= new Map();
            state.counted ??= new Map();
            state.counts.set(countKey(version, query), Promise.resolve(entry.rows));
            state.counted.set(countKey(version, query), entry.rows);
          }
          return entry;
        },
        (e: unknown) => {
          state.entries = state.entries.filter((x) => x !== slot);
          throw asQueryError(e);
        },
      ),
  };
  state.entries = [...state.entries, slot].slice(-ROW_CACHE_SIZE);
  return slot.building;
}

/**
 * Runs the sorted rowid query and copies the rowids into a typed array (a Uint32Array when the
 * table's rowids fit, `narrow`). The result is materialised by DuckDB (its parallel sort), then
 * read chunk by chunk without a round trip each (streaming 5,000 chunks of 2,048 took about
 * 1.7x as long); the event loop gets a turn every 64 chunks. Casting to UINTEGER in SQL halved
 * this loop but raised the peak memory of the sort by ~65 MB on 10M rows, for no faster block.
 */
async function readRowIds(connection: DuckDBConnection, sql: string, params: readonly (string | number)[], narrow: boolean): Promise<Uint32Array | Float64Array> {
  const result = await connection.run(sql, [...params] as DuckDBValue[]);
  const ids = narrow ? new Uint32Array(result.rowCount) : new Float64Array(result.rowCount);
  let n = 0;
  for (let c = 0; c < result.chunkCount; c++) {
    const chunk = result.getChunk(c);
    const vector = chunk.getColumnVector(0);
    for (let i = 0, m = chunk.rowCount; i < m; i++) ids[n++] = Number(vector.getItem(i));
    if (c % 64 === 63) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return ids;
}

/** The rowid range of each source file of a table (one aggregate over two columns). */
async function readFileRanges(connection: DuckDBConnection, table: string): Promise<FileRowRange[]> {
  const rows = (await connection.runAndReadAll(`SELECT source_file, min(rowid) AS lo, max(rowid) AS hi FROM ${table} GROUP BY source_file ORDER BY lo`)).getRowObjectsJS();
  return rows.map((r) => ({ file: Number(r.source_file as bigint), lo: Number(r.lo as bigint), hi: Number(r.hi as bigint) }));
}

/**
 * The source files whose rowid range overlaps [lo, hi]: a superset of the files holding any
 * of the rowids in between. `source_file` has zone maps (each file's rows are inserted
 * together), so naming them lets DuckDB skip every other row group; a rowid filter alone
 * makes it test every rowid of the table (2.5 ms per block on 10M rows, 0.9 ms with this).
 */
export function filesOverlapping(files: readonly FileRowRange[], lo: number, hi: number): number[] {
  return files.filter((f) => f.lo <= hi && f.hi >= lo).map((f) => f.file);
}
