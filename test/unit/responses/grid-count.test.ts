import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/temp-dir';
import type { Database } from '../../../main/services/store/database';
import { gridCount, queryRows } from '../../../main/services/responses/grid-query';
import { ingestFixtures, openDb } from './helpers';

let dir: ReturnType<typeof tempDir>;
let db: Database;

beforeAll(async () => {
  dir = tempDir('loopdesk-grid-count-');
  db = await openDb(join(dir.path, 'data.duckdb'));
  await ingestFixtures(db);
});
afterAll(async () => {
  await db.close();
  dir.cleanup();
});

describe("grid blocks with count: 'separately'", () => {
  it('answers the first block after a filter change at once with lastRow null, and the count comes from gridCount', async () => {
    const filterModel = { click_browser: { filterType: 'text' as const, type: 'notContains' as const, filter: 'no-such-browser' } };
    const all = await queryRows(db, { view: 'clicks', startRow: 0, endRow: 10_000, filterModel });
    const total = all.rows.length;
    expect(total).toBeGreaterThan(2);

    // Another filter (so nothing is cached yet): the block comes without a count.
    const other = { click_browser: { filterType: 'text' as const, type: 'notContains' as const, filter: 'still-no-such-browser' } };
    const first = await queryRows(db, { view: 'clicks', startRow: 0, endRow: 2, filterModel: other, count: 'separately' });
    expect(first.rows).toHaveLength(2);
    expect(first.lastRow).toBeNull();
    expect(await gridCount(db, { view: 'clicks', filterModel: other })).toBe(total);
    // Known now: the next block, whatever its sort, carries it.
    const next = await queryRows(db, { view: 'clicks', startRow: 0, endRow: 2, filterModel: other, sortModel: [{ colId: 'user_id', sort: 'desc' }], count: 'separately' });
    expect(next.lastRow).toBe(total);
  });

  it('keeps answering with the count in the block by default (the CLI, exports, tests)', async () => {
    const filterModel = { click_browser: { filterType: 'text' as const, type: 'notContains' as const, filter: 'by-default' } };
    const block = await queryRows(db, { view: 'clicks', startRow: 0, endRow: 2, filterModel });
    expect(block.lastRow).toBe((await queryRows(db, { view: 'clicks', startRow: 0, endRow: 10_000, filterModel })).rows.length);
  });

  it('a short block is the last one and needs no count', async () => {
    const block = await queryRows(db, { view: 'clicks', startRow: 0, endRow: 10_000, count: 'separately' });
    expect(block.lastRow).toBe(block.rows.length);
  });
});
