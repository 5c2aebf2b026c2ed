import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { tempDir } from '../../helpers/temp-dir';
import type { Database } from '../../../main/services/store/database';
import { compileGridQuery, DIRECT_BLOCK_LIMIT, queryRows, type GridQuery } from '../../../main/services/responses/grid-query';
import { ingestFile } from '../../../main/services/responses/ingest';
import { deleteOlderThan } from '../../../main/services/responses/response-retention';
import { generateClickFiles } from '../../fixtures/responses/generate-responses';
import { openDb } from './helpers';

// The deep blocks of a big view come from a cached, sorted rowid list (grid-row-cache.ts);
// every block must hold exactly the rows a plain ORDER BY … LIMIT … OFFSET gives, ties included.

let dir: ReturnType<typeof tempDir>;
let db: Database;
let files: string[];

const ingest = (path: string, remoteName = path.split('/').at(-1)!) =>
  ingestFile(db, { profile: 'p1', client: 'c1', kind: 'clicks', localPath: path, remoteName, size: statSync(path).size, mtime: new Date('2021-01-05T06:00:00Z') });

beforeAll(async () => {
  dir = tempDir('loopdesk-grid-row-cache-');
  db = await openDb(join(dir.path, 'data.duckdb'));
  // Four daily files of 6,000 clicks (5 browsers, 4 devices: many ties), ingested as a pull does.
  files = await generateClickFiles(dir.path, 24_000, 6_000);
  for (const f of files) await ingest(f);
  // The second day's file changes on the server: its rows are replaced and now lie after the
  // fourth file's (and the rowids of the old ones are gone), so files are not in rowid order.
  const changed = join(dir.path, 'changed.csv');
  const lines = readFileSync(files[1]!, 'utf8').trimEnd().split('\n');
  writeFileSync(changed, `${lines.slice(0, -500).join('\n')}\n`);
  await ingest(changed, files[1]!.split('/').at(-1)!);
}, 120_000);
afterAll(async () => {
  await db.close();
  dir.cleanup();
});

/** The block as plain SQL gives it: the view's own SELECT with LIMIT/OFFSET, nothing cached. */
async function plainBlock(query: GridQuery): Promise<unknown[]> {
  const compiled = compileGridQuery(query, { offset: query.startRow, limit: query.endRow - query.startRow });
  const rows = await db.all<Record<string, unknown>>(compiled.select, [...compiled.params]);
  return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null ? null : typeof v === 'bigint' ? String(v) : v instanceof Date ? v.toISOString().slice(0, 19).replace('T', ' ') : v])));
}

const SORTS = [
  [],
  [{ colId: 'created', sort: 'asc' }],
  [{ colId: 'click_browser', sort: 'desc' }],
  [{ colId: 'user_id', sort: 'asc' }],
  [{ colId: 'click_device', sort: 'asc' }, { colId: 'link_id', sort: 'desc' }],
  [{ colId: 'mailing_to_user_id', sort: 'desc' }],
] as const;

const FILTERS = [
  undefined,
  { click_browser: { filterType: 'text', type: 'notContains', filter: 'opera' } },
  { click_device: { filterType: 'text', type: 'notEqual', filter: 'tablet' }, mailing_id: { filterType: 'number', type: 'lessThan', filter: 51106527040 } },
] as const;

describe('deep grid blocks from the cached sorted rowid list', () => {
  it('give the same rows in the same order as a plain ORDER BY … OFFSET, for every sort, filter and offset', async () => {
    let compared = 0;
    for (const sortModel of SORTS) {
      for (const filterModel of FILTERS) {
        const base = { view: 'clicks' as const, sortModel: [...sortModel], filterModel: filterModel as GridQuery['filterModel'] };
        const total = (await queryRows(db, { ...base, startRow: 0, endRow: 1 })).lastRow!;
        expect(total).toBeGreaterThan(DIRECT_BLOCK_LIMIT + 200);
        // Shallow (DuckDB's top-N), then deep ones (the cached list), the last partial block, past the end.
        for (const start of [0, DIRECT_BLOCK_LIMIT - 50, DIRECT_BLOCK_LIMIT + 1, Math.floor((DIRECT_BLOCK_LIMIT + total) / 2), total - 37, total + 5]) {
          const query = { ...base, startRow: start, endRow: start + 100 };
          const block = await queryRows(db, query);
          expect(block.rows, JSON.stringify(query)).toEqual(await plainBlock(query));
          expect(block.lastRow).toBe(total);
          compared++;
        }
      }
    }
    expect(compared).toBe(SORTS.length * FILTERS.length * 6);
  });

  it('pages the joined view (clicks with link names) the same way', async () => {
    const base = { view: 'clicks_with_links' as const, sortModel: [{ colId: 'click_platform', sort: 'asc' as const }] };
    for (const start of [DIRECT_BLOCK_LIMIT + 3, 20_000]) {
      const query = { ...base, startRow: start, endRow: start + 250 };
      expect((await queryRows(db, query)).rows).toEqual(await plainBlock(query));
    }
  });

  it('runs one statement per warm block and builds the list once, on a reader connection', async () => {
    const query = { view: 'clicks' as const, sortModel: [{ colId: 'user_id', sort: 'desc' as const }], startRow: 12_000, endRow: 12_100 };
    const all = vi.spyOn(db, 'all');
    const run = vi.spyOn(db, 'run');
    const reader = vi.spyOn(db, 'onReader');
    try {
      // Two blocks asked at once (AG Grid has two requests in flight) share one build.
      const [a, b] = await Promise.all([queryRows(db, query), queryRows(db, { ...query, startRow: 12_100, endRow: 12_200 })]);
      expect(reader).toHaveBeenCalledTimes(1);
      expect(run).not.toHaveBeenCalled();
      expect([...a.rows, ...b.rows]).toEqual(await plainBlock({ ...query, endRow: 12_200 }));
      all.mockClear();
      reader.mockClear();
      // Warm: no sort, no count, no lookup of the positions — only the block's own rows.
      for (const start of [15_000, 12_000, 20_500]) await queryRows(db, { ...query, startRow: start, endRow: start + 100 });
      expect(all).toHaveBeenCalledTimes(3);
      expect(reader).not.toHaveBeenCalled();
    } finally {
      vi.restoreAllMocks();
    }
  });

  it('shows the rows of a new pull in deep blocks at once (the list is rebuilt)', async () => {
    const base = { view: 'clicks' as const, sortModel: [{ colId: 'created', sort: 'desc' as const }] };
    const before = await queryRows(db, { ...base, startRow: 15_000, endRow: 15_100 });
    // A fifth day arrives (its clicks are the newest, so every old row moves 6,000 places down).
    const later = tempDir('loopdesk-grid-row-cache-pull-');
    const fifth = (await generateClickFiles(later.path, 30_000, 6_000))[4]!;
    await ingest(fifth);
    const query = { ...base, startRow: 21_000, endRow: 21_100 };
    const after = await queryRows(db, query);
    expect(after.lastRow).toBe(before.lastRow! + 6_000);
    expect(after.rows).toEqual(await plainBlock(query));
    expect(after.rows).toEqual(before.rows);
    const newest = await queryRows(db, { ...base, startRow: DIRECT_BLOCK_LIMIT + 100, endRow: DIRECT_BLOCK_LIMIT + 200 });
    expect(newest.rows).toEqual(await plainBlock({ ...base, startRow: DIRECT_BLOCK_LIMIT + 100, endRow: DIRECT_BLOCK_LIMIT + 200 }));
    later.cleanup();
  });

  it('follows a compaction after retention: the rewritten file numbers its rows anew', async () => {
    const base = { view: 'clicks' as const, sortModel: [{ colId: 'user_id', sort: 'asc' as const }] };
    const first = await db.all<{ d: string }>(`SELECT strftime(min(created) + INTERVAL 30 HOUR, '%Y-%m-%dT%H:%M:%SZ') AS d FROM clicks`);
    const removed = await deleteOlderThan(db, new Date(first[0]!.d));
    expect(removed.clicks).toBeGreaterThan(0);
    // A deep block after the deletion builds the list on rowids with gaps …
    const query = { ...base, startRow: DIRECT_BLOCK_LIMIT + 500, endRow: DIRECT_BLOCK_LIMIT + 600 };
    expect((await queryRows(db, query)).rows).toEqual(await plainBlock(query));
    // … which the compaction that follows a retention run closes: the same block must follow it.
    await db.compact();
    const after = await queryRows(db, query);
    expect(after.rows).toHaveLength(100);
    expect(after.rows).toEqual(await plainBlock(query));
  });
});
