import { describe, expect, it } from 'vitest';
import { ALL_MIGRATIONS } from '../../../main/app/app-migrations';
import { gridColumns } from '../../../main/services/responses/grid-query';
import { RESPONSE_KIND_NAMES, RESPONSE_KINDS } from '../../../main/services/responses/response-kinds';
import { Database } from '../../../main/services/store/database';

// response-kinds.ts is the one definition of the response tables' columns. The migrations
// stay written out (a shipped migration never changes), so this checks they build exactly
// those tables; the grids take their columns from the kinds directly.
describe('response tables', () => {
  it('the migrations create each table with the columns and types response-kinds.ts defines', async () => {
    const db = await Database.open(':memory:', ALL_MIGRATIONS);
    try {
      for (const name of RESPONSE_KIND_NAMES) {
        const kind = RESPONSE_KINDS[name];
        const actual = await db.all<{ column_name: string; data_type: string }>(
          'SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position',
          [kind.table],
        );
        const expected = [...kind.columns.map((c) => ({ column_name: c.column, data_type: c.type })), { column_name: 'source_file', data_type: 'BIGINT' }];
        expect(actual, kind.table).toEqual(expected);
      }
    } finally {
      await db.close();
    }
  });

  it('each table grid shows every column of its table, in order', () => {
    const views = { mailings: 'mailings', mailing_recipients: 'mailingrecipients', links: 'links', clicks: 'clicks', opens: 'opens', unsubscribes: 'unsubscribes', responses: 'responses' } as const;
    for (const [view, kind] of Object.entries(views)) {
      expect(gridColumns(view as keyof typeof views).map((c) => c.colId), view).toEqual(RESPONSE_KINDS[kind].columns.map((c) => c.column));
    }
  });
});
