import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileGridQuery, gridColumns, queryRows } from '../../../main/services/responses/grid-query';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { ingestFile } from '../../../main/services/responses/ingest';
import { fixture, ingestArgs, openDb, rawRows, useFixtureDb } from './helpers';

const store = useFixtureDb('loopdesk-grid-');

describe('queryRows', () => {
  it('sorts and pages in SQL, with the filtered total as lastRow', async () => {
    const all = rawRows('clicks')
      .map((r) => r.created!)
      .sort()
      .reverse();
    const first = await queryRows(store.db, { view: 'clicks', startRow: 0, endRow: 3, sortModel: [{ colId: 'created', sort: 'desc' }] });
    expect(first.rows.map((r) => r.created)).toEqual(all.slice(0, 3));
    expect(first.lastRow).toBe(all.length);
    const last = await queryRows(store.db, { view: 'clicks', startRow: 6, endRow: 9, sortModel: [{ colId: 'created', sort: 'desc' }] });
    expect(last.rows.map((r) => r.created)).toEqual(all.slice(6));
    expect(last.lastRow).toBe(7);
    // IDs come back as exact decimal strings (JSON-safe, 64-bit).
    expect(first.rows[0]!.mailing_id).toBe('51106527230');
  });

  it('applies text, number, date and combined filters as parameters', async () => {
    const q = (filterModel: object) => queryRows(store.db, { view: 'clicks', startRow: 0, endRow: 100, sortModel: [{ colId: 'created', sort: 'asc' }], filterModel: filterModel as never });
    expect((await q({ click_device: { filterType: 'text', type: 'equals', filter: 'mobile' } })).rows.map((r) => r.user_id)).toEqual(['a@example.com', 'd@example.com']);
    expect((await q({ click_browser: { filterType: 'text', type: 'startsWith', filter: '=' } })).lastRow).toBe(2);
    expect((await q({ click_browser: { filterType: 'text', type: 'contains', filter: "'; DROP TABLE clicks; --" } })).lastRow).toBe(0);
    expect((await q({ mailing_to_user_id: { filterType: 'number', type: 'greaterThan', filter: 1004 } })).rows.map((r) => r.mailing_to_user_id)).toEqual(['1007', '2001', '2001']);
    expect((await q({ mailing_id: { filterType: 'number', type: 'equals', filter: '51106527230' } })).lastRow).toBe(2);
    expect((await q({ created: { filterType: 'date', type: 'equals', dateFrom: '2021-01-01 00:00:00' } })).lastRow).toBe(7);
    expect((await q({ created: { filterType: 'date', type: 'greaterThan', dateFrom: '2021-01-01' } })).lastRow).toBe(0);
    const combined = await q({
      click_device: { filterType: 'text', operator: 'OR', conditions: [{ filterType: 'text', type: 'equals', filter: 'Tablet' }, { filterType: 'text', type: 'equals', filter: 'Mobile' }] },
      user_id: { filterType: 'text', type: 'notEqual', filter: 'd@example.com' },
    });
    expect(combined.rows.map((r) => r.click_device)).toEqual(['Mobile', 'Tablet']);
    const [{ n }] = await store.db.all<{ n: bigint }>('SELECT count(*) AS n FROM clicks');
    expect(n).toBe(7n);
  });

  it('refuses columns outside the allowlist, for sorting and for filtering', async () => {
    await expect(queryRows(store.db, { view: 'clicks', startRow: 0, endRow: 10, sortModel: [{ colId: 'source_file; DROP TABLE clicks', sort: 'asc' }] })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('not available in the clicks view'),
    });
    await expect(queryRows(store.db, { view: 'clicks', startRow: 0, endRow: 10, filterModel: { url: { filterType: 'text', type: 'contains', filter: 'x' } } })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(queryRows(store.db, { view: 'clicks', startRow: 0, endRow: 10, sortModel: [{ colId: 'created', sort: 'sideways' as 'asc' }] })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(queryRows(store.db, { view: 'nope' as 'clicks', startRow: 0, endRow: 10 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(queryRows(store.db, { view: 'toString' as 'clicks', startRow: 0, endRow: 10 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(
      queryRows(store.db, { view: 'clicks', startRow: 0, endRow: 10, filterModel: { mailing_id: { filterType: 'number', type: 'equals', filter: '1 OR 1=1' } } }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    // Nothing the caller sends ends up in the SQL text.
    const compiled = compileGridQuery({ view: 'clicks', filterModel: { user_id: { filterType: 'text', type: 'contains', filter: "x' OR '1'='1" } } }, { offset: 0, limit: 5 });
    expect(compiled.select).not.toContain("x' OR");
    expect(compiled.params).toEqual(["x' OR '1'='1"]);
  });

  it('joins clicks with link name and URL', async () => {
    const res = await queryRows(store.db, { view: 'clicks_with_links', startRow: 0, endRow: 100, sortModel: [{ colId: 'link_name', sort: 'asc' }], scope: { mailingId: '51106527229' } });
    expect(res.lastRow).toBe(5);
    expect(res.rows.map((r) => r.link_name)).toEqual(['=HYPERLINK("http://evil.example/x";"click me")', '=HYPERLINK("http://evil.example/x";"click me")', 'Impressum', 'Impressum', 'Impressum']);
    expect(gridColumns('clicks_with_links').map((c) => c.colId)).toContain('url');
  });

  it("shows a recipient's journey in time order", async () => {
    const res = await queryRows(store.db, { view: 'recipient_journey', startRow: 0, endRow: 100, scope: { userId: 'd@example.com' } });
    expect(res.rows.map((r) => [r.created, r.event])).toEqual([
      ['2021-01-01 12:07:58', 'sent'],
      ['2021-01-01 13:01:00', 'open'],
      ['2021-01-01 13:10:00', 'click'],
      ['2021-01-01 13:20:00', 'unsubscribe'],
    ]);
    expect(res.rows[2]!.detail).toContain('http://www.example.com/a;b?x="y"');
    await expect(queryRows(store.db, { view: 'recipient_journey', startRow: 0, endRow: 10 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('groups bounces by category', async () => {
    const res = await queryRows(store.db, { view: 'bounces_by_category', startRow: 0, endRow: 100, sortModel: [{ colId: 'category', sort: 'asc' }], scope: { mailingId: '51106527229' } });
    expect(res.rows.map((r) => [r.category, r.bounce_class, r.recipients])).toEqual([
      ['bounce', 'soft', 1],
      ['fatal_bounce', 'hard', 1],
      ['temporary_bounce', 'soft', 1],
    ]);
  });

  it('pages consistently from its cached ordering and sees newly ingested rows', async () => {
    const query = { view: 'clicks' as const, sortModel: [{ colId: 'user_id', sort: 'asc' as const }, { colId: 'created', sort: 'asc' as const }] };
    const whole = await queryRows(store.db, { ...query, startRow: 0, endRow: 100 });
    const blocks = [];
    for (let start = 0; start < whole.lastRow!; start += 2) blocks.push(...(await queryRows(store.db, { ...query, startRow: start, endRow: start + 2 })).rows);
    expect(blocks).toEqual(whole.rows);
    // A changed file (one row more) invalidates the cached ordering.
    const local = join(store.dir, 'clicks.csv');
    copyFileSync(fixture('clicks'), local);
    writeFileSync(local, `${readFileSync(local, 'utf8')}"0@example.com";"2021-01-01 16:00:00";"44018617936";"51106527229";"1099";"44018617811";"Desktop";"Linux";"Lynx"\n`);
    await ingestFile(store.db, ingestArgs('clicks', local, '20210101_clicks.csv'));
    const after = await queryRows(store.db, { ...query, startRow: 0, endRow: 1 });
    expect(after.lastRow).toBe(whole.lastRow! + 1);
    expect(after.rows[0]!.user_id).toBe('0@example.com');
  });

  it('gives the same order across the top-N blocks and the deep blocks of the cached ordering', async () => {
    const big = await openDb(join(store.dir, 'big.duckdb'));
    try {
      // 25,000 clicks with only 5 browsers: the sort has many ties, decided by the rowid tie-break.
      await big.run(`INSERT INTO clicks SELECT 1 + i % 7, 51106527229, 25951836000 + i, 44018617811, 'u' || (i % 997) || '@example.com',
        TIMESTAMP '2021-01-01' + to_seconds(i % 3600), ['Firefox', 'Chrome', 'Safari', 'Edge', 'Opera'][1 + i % 5], 'Linux', 'Desktop', 1 FROM range(25000) t(i)`);
      const query = { view: 'clicks' as const, sortModel: [{ colId: 'click_browser', sort: 'desc' as const }], filterModel: { click_browser: { filterType: 'text' as const, type: 'notContains' as const, filter: 'edge' } } };
      const compiled = compileGridQuery(query, null);
      const expected = (await big.all<{ mailing_to_user_id: bigint }>(compiled.select, [...compiled.params])).map((r) => String(r.mailing_to_user_id));
      expect(expected.length).toBe(20000);
      const ids = async (start: number, end: number) => {
        const r = await queryRows(big, { ...query, startRow: start, endRow: end });
        expect(r.lastRow).toBe(20000);
        return r.rows.map((x) => x.mailing_to_user_id);
      };
      // Shallow blocks (DuckDB's top-N), then deep ones (the sorted rowid list), then shallow again.
      expect(await ids(0, 100)).toEqual(expected.slice(0, 100));
      expect(await ids(9_900, 10_000)).toEqual(expected.slice(9_900, 10_000));
      expect(await ids(10_000, 10_100)).toEqual(expected.slice(10_000, 10_100));
      expect(await ids(19_950, 20_050)).toEqual(expected.slice(19_950));
      expect(await ids(100, 200)).toEqual(expected.slice(100, 200));
      // Another sort of the same filter: same count, new order.
      const asc = await queryRows(big, { ...query, sortModel: [{ colId: 'click_browser', sort: 'asc' }], startRow: 0, endRow: 3 });
      expect(asc.lastRow).toBe(20000);
      expect(asc.rows.map((r) => r.click_browser)).toEqual(['Chrome', 'Chrome', 'Chrome']);
    } finally {
      await big.close();
    }
  });
});
