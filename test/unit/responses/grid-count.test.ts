import { describe, expect, it } from 'vitest';
import { gridCount, queryRows } from '../../../main/services/responses/grid-query';
import { useFixtureDb } from './helpers';

const store = useFixtureDb('loopdesk-grid-count-');

describe("grid blocks with count: 'separately'", () => {
  it('answers the first block after a filter change at once with lastRow null, and the count comes from gridCount', async () => {
    const filterModel = { click_browser: { filterType: 'text' as const, type: 'notContains' as const, filter: 'no-such-browser' } };
    const all = await queryRows(store.db, { view: 'clicks', startRow: 0, endRow: 10_000, filterModel });
    const total = all.rows.length;
    expect(total).toBeGreaterThan(2);

    // Another filter (so nothing is cached yet): the block comes without a count.
    const other = { click_browser: { filterType: 'text' as const, type: 'notContains' as const, filter: 'still-no-such-browser' } };
    const first = await queryRows(store.db, { view: 'clicks', startRow: 0, endRow: 2, filterModel: other, count: 'separately' });
    expect(first.rows).toHaveLength(2);
    expect(first.lastRow).toBeNull();
    expect(await gridCount(store.db, { view: 'clicks', filterModel: other })).toBe(total);
    // Known now: the next block, whatever its sort, carries it.
    const next = await queryRows(store.db, { view: 'clicks', startRow: 0, endRow: 2, filterModel: other, sortModel: [{ colId: 'user_id', sort: 'desc' }], count: 'separately' });
    expect(next.lastRow).toBe(total);
  });

  it('keeps answering with the count in the block by default (the CLI, exports, tests)', async () => {
    const filterModel = { click_browser: { filterType: 'text' as const, type: 'notContains' as const, filter: 'by-default' } };
    const block = await queryRows(store.db, { view: 'clicks', startRow: 0, endRow: 2, filterModel });
    expect(block.lastRow).toBe((await queryRows(store.db, { view: 'clicks', startRow: 0, endRow: 10_000, filterModel })).rows.length);
  });

  it('a short block is the last one and needs no count', async () => {
    const block = await queryRows(store.db, { view: 'clicks', startRow: 0, endRow: 10_000, count: 'separately' });
    expect(block.lastRow).toBe(block.rows.length);
  });
});
